import { GetTableMetadataCommand } from '@aws-sdk/client-athena'
import type { AthenaSettings } from '../../plan/plan.js'
import {
  addPartitionsStatements,
  createTableStatement,
  MANAGED_PROPERTY,
  projectionProperties,
  SCHEMA_VERSION,
  SCHEMA_VERSION_PROPERTY,
  setTablePropertiesStatement,
  showTablePropertiesStatement
} from './sql.js'
import { runQuery, type QueryContext } from './query.js'
import { resultCells } from './results.js'

/** The table's properties as read, or `undefined` when there is no table of that name. */
type Properties = Readonly<Record<string, string>> | undefined

/** How the table's properties are read: with GetTableMetadata, else with SHOW TBLPROPERTIES. */
type Reader = () => Promise<Properties>

/**
 * Times the properties are set and read back before giving up: another run may set them at the
 * same moment. The properties a run sets depend only on the trail's layout and this version, so
 * runs over the same trail write the same values and agree after one round; a second or third is
 * for a run caught between another's write and read.
 */
const SET_ATTEMPTS = 3

/**
 * Makes the table ready for the plan with as little DDL as possible: none when it exists and is
 * set up for the trail (a warm run, whatever its accounts and regions). No DDL ever touches a
 * table whose ownership marker has not been read. Returns the DDL it ran.
 */
export async function ensureTable(plan: AthenaSettings, context: QueryContext): Promise<string[]> {
  const name = `${plan.table.database}.${plan.table.table}`
  const ran: string[] = []
  const run = async (statement: string): Promise<void> => {
    await runQuery(statement, plan, context)
    ran.push(statement)
  }
  const read = await chooseReader(plan, context)

  let properties = await read()
  if (properties === undefined) {
    await run(createTableStatement(plan))
    properties = await read()
    if (properties === undefined) {
      throw new Error(
        `Table ${name} was created with CREATE EXTERNAL TABLE IF NOT EXISTS, but reading it back finds no such table`
      )
    }
  }
  requireOurs(name, properties)

  for (let attempt = 1; ; attempt++) {
    const current = properties
    const wanted = wantedProperties(plan, current)
    const differing = Object.keys(wanted).filter((key) => current[key] !== wanted[key])
    if (differing.length === 0) break
    if (attempt > SET_ATTEMPTS) {
      throw new Error(
        `Table ${name} keeps changing under this run: its ${differing.join(', ')} ${differing.length === 1 ? 'is' : 'are'} set to other values again after ${SET_ATTEMPTS} updates. Another run is using it for another trail (bucket, prefix or organization-id) or partitioning: give each its own 'table'`
      )
    }
    await run(setTablePropertiesStatement(plan.table, wanted))
    // Read back, not assumed: another run may have written the table between our read and write.
    const again = await read()
    if (again === undefined) throw new Error(`Table ${name} disappeared while it was updated`)
    requireOurs(name, again)
    properties = again
  }

  // Adding partitions only adds (IF NOT EXISTS): concurrent runs cannot undo each other.
  if (plan.partitioning === 'manual') {
    for (const statement of addPartitionsStatements(plan)) await run(statement)
  }
  context.log.info(
    ran.length === 0
      ? `Table ${name} is ready: no DDL needed`
      : `Table ${name}: ${ran.length} DDL statement(s) run`
  )
  return ran
}

/** The properties this run needs, beyond the marker, given the table's current ones. */
function wantedProperties(
  plan: AthenaSettings,
  current: Readonly<Record<string, string>>
): Record<string, string> {
  if (plan.partitioning === 'projection') return projectionProperties(plan.layout)
  // Athena ignores a table's partitions while projection is enabled on it.
  return current['projection.enabled'] === 'true' ? { 'projection.enabled': 'false' } : {}
}

function requireOurs(name: string, properties: Readonly<Record<string, string>>): void {
  if (properties[MANAGED_PROPERTY] !== 'true') {
    throw new Error(
      `Table ${name} exists but was not created by this action (it lacks the table property ` +
        `'${MANAGED_PROPERTY}'), so it is left alone: choose another 'table', or drop it`
    )
  }
  const version = properties[SCHEMA_VERSION_PROPERTY]
  if (version !== SCHEMA_VERSION) {
    const [database, table] = name.split('.')
    throw new Error(
      `Table ${name} was created by another version of this action (table schema version ` +
        `${version === undefined ? 'none' : `'${version}'`}; this version needs '${SCHEMA_VERSION}'), ` +
        `so its columns may differ and it is left alone: drop it (DROP TABLE \`${database}\`.\`${table}\`; ` +
        `the logs stay in S3) and the next run creates it again, or choose another 'table'`
    )
  }
}

/**
 * GetTableMetadata when it answers; else SHOW TBLPROPERTIES, which needs only `glue:GetTable`.
 * When neither can read the table, nothing is created or altered: the run stops, naming the
 * permission to grant.
 */
async function chooseReader(plan: AthenaSettings, context: QueryContext): Promise<Reader> {
  const byMetadata: Reader = () => lookUpTable(plan, context)
  let unavailable: string
  try {
    return withFirst(await byMetadata(), byMetadata)
  } catch (error) {
    if (!(error instanceof LookupUnavailable)) throw error
    unavailable = error.message
  }
  const name = `${plan.table.database}.${plan.table.table}`
  context.log.warning(
    `Could not look up table ${name} with GetTableMetadata (${unavailable}); reading its properties with SHOW TBLPROPERTIES instead. Allow athena:GetTableMetadata to save that query on every run.`
  )
  const byQuery: Reader = () => showProperties(plan, context)
  try {
    return withFirst(await byQuery(), byQuery)
  } catch (error) {
    throw new Error(
      `Cannot read the properties of table ${name}, so it is not created or changed: this action alters only a table it can see it manages. GetTableMetadata ${unavailable}; SHOW TBLPROPERTIES failed: ${(error as Error).message}. Allow athena:GetTableMetadata, or glue:GetTable on the table (which SHOW TBLPROPERTIES needs)`,
      { cause: error }
    )
  }
}

/** A reader whose first answer is already known, so the first read costs no second call. */
function withFirst(first: Properties, reader: Reader): Reader {
  let pending: Properties | null = first
  return async () => {
    if (pending === null) return reader()
    const answer = pending
    pending = null
    return answer
  }
}

class LookupUnavailable extends Error {}

async function lookUpTable(plan: AthenaSettings, context: QueryContext): Promise<Properties> {
  try {
    const { TableMetadata } = await context.athena.send(
      new GetTableMetadataCommand({
        CatalogName: plan.table.catalog,
        DatabaseName: plan.table.database,
        TableName: plan.table.table
      }),
      { abortSignal: context.signal }
    )
    return TableMetadata?.Parameters ?? {}
  } catch (error) {
    return classifyLookupError(error)
  }
}

/**
 * Athena reports a missing table as a MetadataException carrying the Glue EntityNotFoundException,
 * and a missing Glue permission as a MetadataException too, so the message tells them apart.
 */
function classifyLookupError(error: unknown): undefined {
  if (!(error instanceof Error)) throw error
  const { $metadata, $fault } = error as Error & {
    $metadata?: { httpStatusCode?: number; attempts?: number }
    $fault?: string
  }
  const status = $metadata?.httpStatusCode
  const firstLine = error.message.split('\n')[0] ?? ''
  if (
    error.name === 'AccessDeniedException' ||
    /not authori[sz]ed|AccessDenied/i.test(error.message)
  ) {
    throw new LookupUnavailable(`is not permitted: ${firstLine}`)
  }
  // An unmodelled 5xx (no $fault) is no Athena answer: moto, for one, has no GetTableMetadata.
  if (
    error.name === 'UnknownOperationException' ||
    status === 501 ||
    (status !== undefined && status >= 500 && $fault === undefined)
  ) {
    throw new LookupUnavailable(`is not available: HTTP ${status ?? '?'}, ${error.name}`)
  }
  if (error.name === 'MetadataException' && /EntityNotFound|not found/i.test(error.message)) {
    return undefined
  }
  const attempts = $metadata?.attempts ?? 1
  throw new Error(
    `Athena GetTableMetadata failed${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${error.name}: ${firstLine}`,
    { cause: error }
  )
}

/**
 * The properties as SHOW TBLPROPERTIES lists them: one row a property, its name and value in two
 * cells or in one cell separated by a tab (Hive's text output). Athena fails the query for a
 * missing table; an empty answer (an emulator's) means the same, since a real table always has
 * some properties.
 */
async function showProperties(plan: AthenaSettings, context: QueryContext): Promise<Properties> {
  let id: string
  try {
    id = (await runQuery(showTablePropertiesStatement(plan.table), plan, context)).id
  } catch (error) {
    if (/table not found|does not exist|EntityNotFound|TABLE_NOT_FOUND/i.test(String(error))) {
      return undefined
    }
    throw error
  }
  const rows = await resultCells(id, context)
  const properties: Record<string, string> = {}
  for (const cells of rows) {
    const [key = '', value = ''] = cells.length === 1 ? splitOnce(cells[0] ?? '', '\t') : cells
    if (key.trim() !== '' && key.trim() !== 'prpt_name') properties[key.trim()] = value.trim()
  }
  return Object.keys(properties).length === 0 ? undefined : properties
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator)
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)]
}
