import MarkdownIt from 'markdown-it'
import { DomUtils, parseDocument } from 'htmlparser2'
import type { Element } from 'domhandler'

/**
 * Renders a job summary the way GitHub does: CommonMark + GFM tables with raw HTML passed through
 * (html: true), then checked against a sanitiser allowlist modelled on GitHub's (html-pipeline's
 * SanitizationFilter): a tag or attribute outside it is something remote text smuggled in, or
 * markup GitHub would strip.
 */
const md = new MarkdownIt('default', { html: true, linkify: false })

const ALLOWED: Record<string, string[]> = {
  h3: [],
  p: [],
  strong: [],
  em: [],
  code: ['class'],
  pre: [],
  table: [],
  thead: [],
  tbody: [],
  tr: [],
  th: [],
  td: [],
  details: ['open'],
  summary: [],
  br: []
}

export interface RenderedSummary {
  html: string
  /** Every element that is not on the allowlist, or carries an attribute that is not. */
  disallowed: string[]
  /** The decoded text of each table cell, row by row: [label, value]. */
  rows: string[][]
  /** The value cell of the row with this label (decoded text), undefined when absent. */
  cell(label: string): string | undefined
  /** The inner HTML of the value cell of the row with this label. */
  cellHtml(label: string): string | undefined
  /** The decoded text of each <pre> block. */
  codeBlocks: string[]
  /** The decoded text of everything outside <pre> blocks. */
  prose: string
}

export function renderSummary(markdown: string): RenderedSummary {
  const html = md.render(markdown)
  const doc = parseDocument(html, { decodeEntities: true })
  const elements = DomUtils.findAll(() => true, doc.children)
  const disallowed: string[] = []
  for (const el of elements) {
    const allowed = ALLOWED[el.name]
    if (!allowed) disallowed.push(`<${el.name}>`)
    else for (const attr of Object.keys(el.attribs)) if (!allowed.includes(attr)) disallowed.push(`<${el.name} ${attr}>`)
  }
  const rowEls = elements.filter(el => el.name === 'tr')
  const rows = rowEls.map(tr =>
    DomUtils.getChildren(tr)
      .filter((c): c is Element => (c as Element).name === 'td' || (c as Element).name === 'th')
      .map(c => DomUtils.textContent(c))
  )
  const valueCell = (label: string): Element | undefined => {
    const tr = rowEls.find(r => DomUtils.textContent(DomUtils.getChildren(r).filter(c => (c as Element).name === 'td')[0] ?? []) === label)
    return tr ? (DomUtils.getChildren(tr).filter(c => (c as Element).name === 'td')[1] as Element | undefined) : undefined
  }
  const pres = elements.filter(el => el.name === 'pre')
  const codeBlocks = pres.map(p => DomUtils.textContent(p))
  for (const p of pres) DomUtils.removeElement(p)
  return {
    html,
    disallowed,
    rows,
    cell: label => {
      const c = valueCell(label)
      return c ? DomUtils.textContent(c) : undefined
    },
    cellHtml: label => {
      const c = valueCell(label)
      return c ? DomUtils.getInnerHTML(c) : undefined
    },
    codeBlocks,
    prose: DomUtils.textContent(doc)
  }
}
