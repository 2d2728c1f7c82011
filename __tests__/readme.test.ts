import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { builtinRuleTable } from '../__fixtures__/rule-docs.js'
import { loadRules } from '../src/rules/load.js'

/** Prettier pads markdown tables; compare them without the padding. */
function unpadded(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) =>
      line
        .trim()
        .replace(/\s*\|\s*/g, '|')
        .replace(/-{3,}/g, '---')
    )
    .join('\n')
}

const text = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const readme = unpadded(text)

/** The README's section under `heading`, up to the next heading of its level or above. */
function section(heading: string): string {
  const start = text.indexOf(`${heading}\n`)
  const level = /^#+/.exec(heading)?.[0] ?? '#'
  const end = text.slice(start + heading.length).search(new RegExp(`^#{1,${level.length}} `, 'm'))
  return end === -1 ? text.slice(start) : text.slice(start, start + heading.length + end)
}

interface Workflow {
  on: Record<string, unknown>
  jobs: Record<string, { if?: string; steps: { uses?: string; with?: Record<string, unknown> }[] }>
}

describe('README', () => {
  it('lists every built-in rule with its title, level and tags, most severe first', async () => {
    const { rules } = await loadRules({ builtin: true, paths: '', workspace: '.' })
    expect(readme).toContain(unpadded(builtinRuleTable(rules)))
  })

  it('skips forks in the pull request example, and warns about pull_request_target and public repositories', () => {
    const example = section('### Pull request audit: fail the check, comment the findings')
    const workflow = parse(/```yaml\n([\s\S]*?)```/.exec(example)?.[1] ?? '') as Workflow
    expect(Object.keys(workflow.on)).toEqual(['pull_request'])
    expect(workflow.jobs.audit?.if).toBe(
      'github.event.pull_request.head.repo.full_name == github.repository'
    )
    const words = example.replace(/\s+/g, ' ')
    expect(words).toContain("GitHub gives a workflow run for a fork's pull request no OIDC token")
    expect(words).toContain('Do not switch to `pull_request_target`')
    expect(words).toContain(
      'the report names account ids, role and user ARNs, session names and source IP addresses'
    )
  })
})

/** The IAM action each AWS SDK command the code sends needs. A new command must be added here. */
const COMMAND_ACTIONS: Readonly<Record<string, string>> = {
  StartQueryExecutionCommand: 'athena:StartQueryExecution',
  GetQueryExecutionCommand: 'athena:GetQueryExecution',
  GetQueryResultsCommand: 'athena:GetQueryResults',
  StopQueryExecutionCommand: 'athena:StopQueryExecution',
  GetTableMetadataCommand: 'athena:GetTableMetadata',
  GetObjectCommand: 's3:GetObject',
  ListObjectsV2Command: 's3:ListBucket',
  DescribeRegionsCommand: 'ec2:DescribeRegions'
}

/**
 * What Athena does with the caller's permissions for the statements the code sends, keyed by the
 * text that marks each statement in sql.ts: the Glue catalog, the trail's objects, the results.
 * https://docs.aws.amazon.com/athena/latest/ug/managed-policies.html
 */
const STATEMENT_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  // Every query: the database and table, the logs, and writing the result (encrypted with KMS
  // when the workgroup says so, SSE-KMS or CSE-KMS, and decrypted to be read).
  'SELECT ': [
    'glue:GetDatabase',
    'glue:GetTable',
    's3:GetObject',
    's3:ListBucket',
    's3:GetBucketLocation',
    's3:PutObject',
    's3:AbortMultipartUpload',
    's3:ListMultipartUploadParts',
    'kms:Decrypt',
    'kms:GenerateDataKey'
  ],
  'CREATE EXTERNAL TABLE IF NOT EXISTS': ['glue:CreateTable'],
  'SET TBLPROPERTIES': ['glue:UpdateTable'],
  'SHOW TBLPROPERTIES': ['glue:GetTable'],
  // Manual partitioning: partitions added, then listed by each query.
  'ADD IF NOT EXISTS': ['glue:BatchCreatePartition', 'glue:GetPartitions']
}

/** Every file under src/, as text. */
function sources(): string[] {
  const root = fileURLToPath(new URL('../src/', import.meta.url))
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts'))
    .map((path) => readFileSync(join(root, path), 'utf8'))
}

/** Every action of the JSON policy under "## IAM policy". */
function readmePolicyActions(): string[] {
  const text = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const section = text.slice(text.indexOf('## IAM policy'))
  const json = /```json\n([\s\S]*?)\n```/.exec(section)?.[1] ?? '{}'
  const policy = JSON.parse(json) as { Statement: { Action: string | string[] }[] }
  return policy.Statement.flatMap((statement) => [statement.Action].flat())
}

describe("README's IAM policy", () => {
  it('lists exactly the actions of the calls the code makes and of the statements it sends', () => {
    const code = sources()
    const commands = new Set(
      code.flatMap((text) => [...text.matchAll(/new (\w+Command)\(/g)].map((m) => m[1] ?? ''))
    )
    const unmapped = [...commands].filter((command) => COMMAND_ACTIONS[command] === undefined)
    expect(unmapped).toEqual([])
    const sql = readFileSync(new URL('../src/engine/athena/sql.ts', import.meta.url), 'utf8')
    const needed = new Set([
      ...[...commands].map((command) => COMMAND_ACTIONS[command] ?? ''),
      ...Object.entries(STATEMENT_ACTIONS)
        .filter(([marker]) => sql.includes(marker))
        .flatMap(([, actions]) => actions)
    ])

    expect([...new Set(readmePolicyActions())].sort()).toEqual([...needed].sort())
  })
})
