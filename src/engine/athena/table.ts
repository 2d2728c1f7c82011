import { GetTableMetadataCommand } from '@aws-sdk/client-athena'
import type { AthenaSettings } from '../../plan/plan.js'
import {
  addPartitionsStatements,
  createTableStatement,
  MANAGED_PROPERTY,
  projectionProperties,
  setTablePropertiesStatement
} from './sql.js'
import { ACCOUNT, REGION } from '../../inputs/validation.js'
import { runQuery, type QueryContext } from './query.js'

/** What Athena says about the table before any DDL. */
type Lookup =
  | { readonly kind: 'absent' }
  | { readonly kind: 'present'; readonly parameters: Readonly<Record<string, string>> }
  /** The lookup itself failed (not permitted, or not implemented by an emulator). */
  | { readonly kind: 'unknown'; readonly reason: string }

/**
 * Makes the table ready for the plan with as little DDL as possible: none when it exists and
 * already covers the plan's accounts and regions (partition projection). Returns the DDL it ran.
 */
export async function ensureTable(plan: AthenaSettings, context: QueryContext): Promise<string[]> {
  const lookup = await lookUpTable(plan, context)
  const name = `${plan.table.database}.${plan.table.table}`
  if (lookup.kind === 'unknown') {
    const then =
      plan.partitioning === 'projection'
        ? "setting its projection to this run's accounts and regions. Allow athena:GetTableMetadata (and glue:GetTable) so that a warm run issues no DDL."
        : 'adding the partitions.'
    context.log.warning(
      `Could not look up table ${name} (${lookup.reason}); creating it if it does not exist and ${then}`
    )
  } else if (lookup.kind === 'present' && lookup.parameters[MANAGED_PROPERTY] !== 'true') {
    throw new Error(
      `Table ${name} exists but was not created by this action (it lacks the table property ` +
        `'${MANAGED_PROPERTY}'), so it is left alone: choose another 'table', or drop it`
    )
  }
  const statements = ddlFor(plan, lookup)
  for (const statement of statements) await runQuery(statement, plan, context)
  context.log.info(
    statements.length === 0
      ? `Table ${name} is ready: no DDL needed`
      : `Table ${name}: ${statements.length} DDL statement(s) run`
  )
  return statements
}

function ddlFor(plan: AthenaSettings, lookup: Lookup): string[] {
  if (plan.partitioning === 'manual') {
    const create =
      lookup.kind === 'present'
        ? []
        : [createTableStatement(plan, { ifNotExists: lookup.kind === 'unknown' })]
    // Athena ignores a table's partitions while projection is enabled on it.
    const disableProjection =
      lookup.kind === 'present' && lookup.parameters['projection.enabled'] === 'true'
        ? [setTablePropertiesStatement(plan.table, { 'projection.enabled': 'false' })]
        : []
    return [...create, ...disableProjection, ...addPartitionsStatements(plan)]
  }
  switch (lookup.kind) {
    case 'absent':
      return [createTableStatement(plan, { ifNotExists: false })]
    case 'unknown':
      return [
        createTableStatement(plan, { ifNotExists: true }),
        setTablePropertiesStatement(
          plan.table,
          projectionProperties(plan.layout, plan.accounts, plan.regions)
        )
      ]
    case 'present': {
      // Other runs may report on other accounts and regions through the same table: keep theirs.
      const wanted = projectionProperties(
        plan.layout,
        union(enumValues(lookup.parameters, 'account', ACCOUNT), plan.accounts),
        union(enumValues(lookup.parameters, 'region', REGION), plan.regions)
      )
      const covered = Object.entries(wanted).every(
        ([key, value]) => lookup.parameters[key] === value
      )
      return covered ? [] : [setTablePropertiesStatement(plan.table, wanted)]
    }
  }
}

/** The values of an enum projection; anything that does not pass `pattern` is dropped. */
function enumValues(
  parameters: Readonly<Record<string, string>>,
  column: string,
  pattern: RegExp
): string[] {
  return (parameters[`projection.${column}.values`] ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter((value) => pattern.test(value))
}

function union(existing: readonly string[], requested: readonly string[]): string[] {
  return [...new Set([...existing, ...requested])]
}

async function lookUpTable(plan: AthenaSettings, context: QueryContext): Promise<Lookup> {
  try {
    const { TableMetadata } = await context.athena.send(
      new GetTableMetadataCommand({
        CatalogName: plan.table.catalog,
        DatabaseName: plan.table.database,
        TableName: plan.table.table
      })
    )
    return { kind: 'present', parameters: TableMetadata?.Parameters ?? {} }
  } catch (error) {
    return classifyLookupError(error)
  }
}

/**
 * Athena reports a missing table as a MetadataException carrying the Glue EntityNotFoundException,
 * and a missing Glue permission as a MetadataException too, so the message tells them apart.
 */
function classifyLookupError(error: unknown): Lookup {
  if (!(error instanceof Error)) throw error
  const { $metadata, $fault } = error as Error & {
    $metadata?: { httpStatusCode?: number }
    $fault?: string
  }
  const status = $metadata?.httpStatusCode
  const firstLine = error.message.split('\n')[0] ?? ''
  if (
    error.name === 'AccessDeniedException' ||
    /not authori[sz]ed|AccessDenied/i.test(error.message)
  ) {
    return { kind: 'unknown', reason: `GetTableMetadata is not permitted: ${firstLine}` }
  }
  // An unmodelled 5xx (no $fault) is no Athena answer: moto, for one, has no GetTableMetadata.
  if (
    error.name === 'UnknownOperationException' ||
    status === 501 ||
    (status !== undefined && status >= 500 && $fault === undefined)
  ) {
    return {
      kind: 'unknown',
      reason: `GetTableMetadata is not available: HTTP ${status ?? '?'}, ${error.name}`
    }
  }
  if (error.name === 'MetadataException' && /EntityNotFound|not found/i.test(error.message)) {
    return { kind: 'absent' }
  }
  throw new Error(`Athena GetTableMetadata failed: ${error.name}: ${firstLine}`, { cause: error })
}
