import { shQuote } from '../../remote/quote'
import type { Ownership } from '../types'

/**
 * The instance's `onstart` (≤4096 chars, run by Vast's entrypoint at every container start):
 * turns off the login tmux, and starts the remote-ttl timer in the background. At the deadline
 * (the ownership label's `exp`, epoch s; capped by the TTL when the clock is off) the instance
 * destroys itself with the key Vast injected for it (CONTAINER_API_KEY, limited to this instance,
 * with CONTAINER_ID; shared/reference/vast-api.md §5) through curl, python3 or wget, whichever the
 * image has. No account credential is ever placed on the instance. Without any of them, or when
 * three destroy attempts leave it alive, it stops the container instead: TERM to PID 1 (an init
 * such as tini exits), then KILL to every other process, after which an entrypoint that waits on
 * its children exits too. GPU billing then ends; the stopped instance's storage bills until the
 * sweeper or a person destroys it.
 */
export function onstartScript(apiUrl: string, owner: Ownership, now = Date.now()): string {
  const deadline = Math.floor(Date.parse(owner.expiresAt) / 1000)
  const ttl = Math.max(1, Math.ceil((Date.parse(owner.expiresAt) - now) / 1000))
  const url = `${apiUrl.replace(/\/+$/, '')}/api/v0/instances/`
  return `touch ~/.no_auto_tmux 2>/dev/null
(
d=${deadline}; t=${ttl}
n=$(date +%s 2>/dev/null) && [ $((d - n)) -lt $t ] && t=$((d - n))
[ $t -gt 0 ] && sleep $t
u=${shQuote(url)}"$CONTAINER_ID/"; k=$CONTAINER_API_KEY
x() {
  if command -v curl >/dev/null 2>&1; then curl -fsS -m 30 -X DELETE -H "Authorization: Bearer $k" "$u"
  elif command -v python3 >/dev/null 2>&1; then U=$u K=$k python3 -c 'import os,urllib.request as r;r.urlopen(r.Request(os.environ["U"],method="DELETE",headers={"Authorization":"Bearer "+os.environ["K"]}),timeout=30)'
  elif command -v wget >/dev/null 2>&1; then wget -q -O /dev/null -T 30 --method=DELETE --header="Authorization: Bearer $k" "$u"
  else return 2; fi
}
for i in 1 2 3; do x; [ $? = 2 ] && break; sleep 20; done
kill -TERM 1; sleep 5; kill -KILL -1
) </dev/null >/dev/null 2>&1 &`
}
