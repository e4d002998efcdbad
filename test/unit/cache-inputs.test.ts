import * as os from 'node:os'
import { readCacheSettings } from '../../src/cache/inputs'
import { readSettings, SYSTEM_DIRS } from '../../src/inputs'

function reader(values: Record<string, string>) {
  return (name: string): string => (values[name] ?? '').trim()
}

const cacheOf = (values: Record<string, string>) => readCacheSettings(reader(values), SYSTEM_DIRS)

function errorOf(values: Record<string, string>): string {
  try {
    cacheOf(values)
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('expected an input error')
}

describe('cache inputs', () => {
  it('reads workspace, ~/ and absolute paths, restore keys and the save policy', () => {
    expect(cacheOf({})).toBeUndefined()
    const s = cacheOf({ 'cache-paths': 'target/\n~/.cache/pip\n/opt/conda/pkgs/', 'cache-key': 'k-1', 'cache-restore-keys': 'k-\nj-', 'cache-save': 'always' })
    expect(s).toEqual({
      paths: [
        { input: 'target/', anchor: 'workspace', path: 'target' },
        { input: '~/.cache/pip', anchor: 'home', path: '.cache/pip' },
        { input: '/opt/conda/pkgs/', anchor: 'absolute', path: '/opt/conda/pkgs' }
      ],
      key: 'k-1',
      restoreKeys: ['k-', 'j-'],
      save: 'always'
    })
    expect(cacheOf({ 'cache-paths': 'a', 'cache-key': 'k' })?.save).toBe('on-success')
  })

  it.each([
    [{ 'cache-paths': 'target' }, "Input 'cache-key': is required with cache-paths"],
    [{ 'cache-key': 'k' }, "Input 'cache-key': is set but cache-paths is empty"],
    [{ 'cache-paths': '../up', 'cache-key': 'k' }, "Input 'cache-paths': '../up' must stay inside the remote workspace"],
    [{ 'cache-paths': '.', 'cache-key': 'k' }, "Input 'cache-paths': '.' must stay inside the remote workspace and not be the workspace itself"],
    [{ 'cache-paths': '~', 'cache-key': 'k' }, "Input 'cache-paths': '~' must name a directory inside the home directory"],
    [{ 'cache-paths': '~/../x', 'cache-key': 'k' }, "Input 'cache-paths': '~/../x' must name a directory inside the home directory"],
    [{ 'cache-paths': '~bob/x', 'cache-key': 'k' }, "Input 'cache-paths': '~bob/x' uses ~user"],
    [{ 'cache-paths': '/usr/', 'cache-key': 'k' }, "Input 'cache-paths': '/usr/' is a system directory"],
    [{ 'cache-paths': '/proc/1', 'cache-key': 'k' }, "Input 'cache-paths': '/proc/1' is inside a pseudo-file system"],
    [{ 'cache-paths': 'a\na/b', 'cache-key': 'k' }, "Input 'cache-paths': 'a' and 'a/b' overlap"],
    [{ 'cache-paths': 'a', 'cache-key': 'a,b' }, "Input 'cache-key': 'a,b' holds a comma"],
    [{ 'cache-paths': 'a', 'cache-key': 'x'.repeat(513) }, "Input 'cache-key': 'xxxx"],
    [
      { 'cache-paths': 'a', 'cache-key': 'k', 'cache-restore-keys': 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj' },
      "Input 'cache-restore-keys': the Actions cache looks up at most 10 keys"
    ],
    [{ 'cache-paths': 'a', 'cache-key': 'k', 'cache-save': 'sometimes' }, "Input 'cache-save': 'sometimes' is not one of: on-success, always, never"]
  ])('refuses %j', (values, message) => {
    expect(errorOf(values)).toContain(message)
  })

  it('is refused for Flue with a pointer to actions/cache', () => {
    const run = () =>
      readSettings(reader({ provider: 'flue', run: 'echo', 'cache-paths': 'node_modules', 'cache-key': 'k' }), {
        GITHUB_WORKSPACE: os.tmpdir()
      } as NodeJS.ProcessEnv)
    expect(run).toThrow(
      "Input 'cache-paths': is for the remote providers (nomad, vast); flue runs the command on the runner itself: cache its directories with actions/cache"
    )
  })
})
