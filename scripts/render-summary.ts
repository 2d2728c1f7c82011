/**
 * `npm run render-summary`: the summary as GitHub shows it, in PNG screenshots, to look at before
 * a change to the summary goes in. Markdown is rendered as GitHub-flavoured markdown (tables,
 * alerts, `<details>`) with GitHub's own stylesheet, and Mermaid blocks are drawn by Mermaid, in
 * Debian's Chromium (`apt-get install chromium`) driven by playwright-core, offline.
 *
 *   npm run render-summary                      a generated day, through the real pipeline
 *   npm run render-summary -- --markdown FILE   a summary.md made elsewhere
 *   options: --out DIR (default sample/render), --open (open every <details>),
 *            --readme (write docs/summary.png at the job summary width, details open, of a
 *            generated day run with a few of the built-in rules and three rows per table, so
 *            that the image stays a size a README can show)
 *
 * It writes `summary-job.png` (job summary width) and `summary-comment.png` (pull request comment
 * width), and prints each table that does not fit its width (GitHub then cuts it off behind a
 * scroll bar). The widths are those of github.com's layout in a 1280-pixel-wide window.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { Marked } from 'marked'
import markedAlert from 'marked-alert'
import { chromium } from 'playwright-core'
import { generateSampleBucket } from './generator/bucket.js'
import { makeReport } from '../src/pipeline.js'
import { parseInputs, type Input } from '../src/inputs/inputs.js'
import { silentLog } from '../src/run/log.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)

/** The job summary's column, and a pull request comment's, at a 1280-pixel-wide window. */
export const WIDTHS = { job: 860, comment: 720 } as const

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

/**
 * The built-in rules of the README's image: a generated day has events for every rule, and a
 * table of all of them would make an image too long to read.
 */
const README_RULES = [
  'root-activity',
  'cloudtrail-logging-stopped',
  'iam-user-created',
  'ec2-security-group-open-to-internet',
  'unauthorized-calls',
  'log-delivery-denied'
]

/**
 * A generated day, reported on by the real pipeline with the local engine; for the README, with
 * a few rules and three rows per table.
 */
async function generatedSummary(readme: boolean): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'render-summary-'))
  try {
    const day = '2026-11-29'
    const accounts = ['111122223333', '444455556666']
    await generateSampleBucket(join(work, 'bucket'), {
      seed: 12,
      accounts,
      regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
      days: ['2026-11-28', day],
      filesPerDay: 24,
      recordsPerFile: 25
    })
    const values: Partial<Record<Input, string>> = {
      engine: 'local',
      'logs-dir': join(work, 'bucket'),
      account: accounts.join(','),
      date: day,
      ...(readme
        ? {
            'builtin-rules': 'false',
            rules: README_RULES.map((name) => join(ROOT, 'rules', `${name}.yml`)).join(','),
            top: '3'
          }
        : {})
    }
    const inputs = parseInputs((input) => values[input] ?? '', new Date('2026-12-01T06:00:00Z'))
    const report = await makeReport(inputs, {
      log: silentLog,
      aws: () => {
        throw new Error('The generated day is read from disk, with no AWS call')
      },
      reportDir: join(work, 'report'),
      workspace: work,
      signal: new AbortController().signal
    })
    return report.markdown
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** GitHub-flavoured markdown as HTML, Mermaid blocks left for Mermaid to draw. */
function html(markdown: string, width: number, open: boolean): string {
  const marked = new Marked({ gfm: true }).use(markedAlert())
  const body = (marked.parse(markdown) as string).replace(
    /<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g,
    '<pre class="mermaid">$1</pre>'
  )
  const css = require.resolve('github-markdown-css/github-markdown-light.css')
  const mermaid = require.resolve('mermaid/dist/mermaid.min.js')
  return `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="file://${css}">
<style>
  body { margin: 0; background: #fff; }
  .markdown-body { box-sizing: border-box; width: ${width}px; padding: 16px; }
  pre.mermaid { background: none; text-align: center; }
</style>
<script src="file://${mermaid}"></script>
</head><body><article class="markdown-body">${body}</article>
<script>
  ${open ? "document.querySelectorAll('details').forEach((d) => (d.open = true));" : ''}
  mermaid.initialize({ startOnLoad: false, theme: 'default' });
  mermaid.run().then(() => (document.body.dataset.ready = 'yes'));
</script></body></html>`
}

interface Rendered {
  /** Tables wider than the column: their first header cell and how much too wide. */
  readonly overflowing: readonly string[]
}

async function screenshot(
  markdown: string,
  width: number,
  open: boolean,
  path: string
): Promise<Rendered> {
  const profile = await mkdtemp(join(tmpdir(), 'render-summary-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width, height: 800 }
  })
  try {
    const page = await context.newPage()
    const file = join(profile, 'summary.html')
    await writeFile(file, html(markdown, width, open))
    await page.goto(`file://${file}`)
    await page.waitForSelector('body[data-ready="yes"]', { timeout: 30_000 })
    const overflowing = await page.$$eval('.markdown-body table', (tables) =>
      tables
        .filter((table) => table.scrollWidth > table.clientWidth)
        .map(
          (table) =>
            `${table.querySelector('th')?.textContent ?? '?'}: ${table.scrollWidth - table.clientWidth} px too wide`
        )
    )
    await page.locator('.markdown-body').screenshot({ path })
    return { overflowing }
  } finally {
    await context.close()
    await rm(profile, { recursive: true, force: true })
  }
}

const { values: options } = parseArgs({
  options: {
    markdown: { type: 'string' },
    out: { type: 'string', default: join(ROOT, 'sample', 'render') },
    open: { type: 'boolean', default: false },
    readme: { type: 'boolean', default: false }
  }
})

const markdown =
  options.markdown === undefined
    ? await generatedSummary(options.readme)
    : await readFile(options.markdown, 'utf8')
await mkdir(options.out, { recursive: true })
await writeFile(join(options.out, 'summary.md'), markdown)
let problems = 0
for (const [name, width] of Object.entries(WIDTHS)) {
  const path = join(options.out, `summary-${name}.png`)
  const { overflowing } = await screenshot(markdown, width, options.open, path)
  process.stdout.write(`${path} (${width} px)\n`)
  for (const table of overflowing) process.stdout.write(`  table too wide: ${table}\n`)
  problems += overflowing.length
}
if (options.readme) {
  const path = join(ROOT, 'docs', 'summary.png')
  await screenshot(markdown, WIDTHS.job, true, path)
  process.stdout.write(`${path}\n`)
}
process.stdout.write(`${Buffer.byteLength(markdown).toLocaleString('en-US')} bytes of markdown\n`)
process.exitCode = problems === 0 ? 0 : 1
