import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import { join } from 'node:path'
import { aggregateRow, AGGREGATE_COLUMNS, type AggregateRow } from '../src/engine/aggregate.js'
import { JSON_ROOTS, SCALAR_PATHS } from '../src/rules/fields.js'
import { logsRootKey, type Layout } from '../src/plan/layout.js'
import type { TableRef } from '../src/plan/plan.js'

/**
 * The Presto functions of the project's queries that DuckDB lacks or reads differently, as macros
 * (a macro shadows a built-in function of the same name) that give Athena's result on the values
 * the tests write. DuckDB has `try`, `date`, `count_if`, `nullif`, `lower`, `split_part`,
 * `try_cast`, `filter` (with `x -> …` lambdas), `LIKE … ESCAPE` (on code points, across newlines)
 * and `AT TIME ZONE` (ICU is built in) with Presto's meaning, so those run as they are.
 *
 * - `from_iso8601_timestamp`: Presto parses ISO 8601 and fails on anything else, which the
 *   query's `try` turns into NULL. DuckDB's cast to TIMESTAMPTZ accepts other text (a space for
 *   the `T`, hour 24) and refuses some ISO forms (`T12`, `T12:30`, a comma before the fraction),
 *   so the macro casts only a date, or a date and time to the second with an optional fraction
 *   and offset: what CloudTrail writes, and the neighbours the tests try, on which both agree.
 *   Other text is NULL here directly, the NULL `try` gives in Athena. A well-formed but
 *   impossible time (`2026-11-31T…`) still fails the cast, and `try` catches it, as in Athena.
 *   (Failing with `error()` would be closer, but DuckDB refuses `try` around it.)
 * - JSON paths: the rules write Presto's bracket notation, `$["key"]["key"]`, which DuckDB reads
 *   as `$."key"."key"` (`presto_json_path`; keys never hold `"`, the field catalogue refuses it).
 * - `json_extract_scalar`: Presto gives NULL for an object or an array, where DuckDB's
 *   `json_extract_string` gives its JSON text, and NULL for text that is not JSON, where DuckDB
 *   fails. https://trino.io/docs/current/functions/json.html#json_extract_scalar
 * - `json_extract`: the same NULL for text that is not JSON; `json_format` is the JSON's text.
 * - `regexp_like`: DuckDB calls it `regexp_matches` (RE2, a partial match as in Presto).
 * - `cardinality`: DuckDB's takes maps only; `len` is the length of a list.
 * - `array_join`: DuckDB's `array_to_string` also leaves NULL elements out, but gives NULL, not
 *   `''`, when every element is NULL.
 * - `uuid`, `min` and `min_by(x, y, n)` over arrays, `CAST(… AS JSON)`: DuckDB's mean the same
 *   (arrays compare element by element, text by code point; `min_by` skips NULL keys).
 *
 * And one rename, the only change made to the query's text (`duckdbText`): Trino's `transform`
 * is DuckDB's `list_transform`, which a macro cannot stand for, as its argument is a lambda.
 */
const PRESTO_MACROS = [
  `CREATE MACRO from_iso8601_timestamp(text) AS
     CASE WHEN regexp_full_match(text,
         '\\d{4}-\\d{2}-\\d{2}(T([01]\\d|2[0-3]):\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})?)?')
       THEN CAST(text AS TIMESTAMPTZ) END`,
  `CREATE MACRO presto_json_path(path) AS replace(replace(path, '["', '."'), '"]', '"')`,
  `CREATE MACRO json_extract_scalar(json, path) AS
     CASE WHEN try(json_type(json, presto_json_path(path))) NOT IN ('OBJECT', 'ARRAY')
       THEN try(json_extract_string(json, presto_json_path(path))) END`,
  `CREATE MACRO json_extract(json, path) AS try(json_extract_path(json, presto_json_path(path)))`,
  `CREATE MACRO json_format(json) AS CAST(json AS VARCHAR)`,
  `CREATE MACRO regexp_like(text, pattern) AS regexp_matches(text, pattern)`,
  `CREATE MACRO cardinality(list) AS len(list)`,
  `CREATE MACRO array_join(list, separator) AS coalesce(array_to_string(list, separator), '')`
]

/** The query as DuckDB runs it: Trino's `transform(array, lambda)` called by DuckDB's name. */
function duckdbText(sql: string): string {
  return sql.replace(/\btransform\(/g, 'list_transform(')
}

/** A tree of the record's scalar fields, by their CloudTrail keys: a leaf is `true`. */
type FieldTree = { [key: string]: FieldTree | true }

function fieldTree(paths: readonly string[]): FieldTree {
  const tree: FieldTree = {}
  for (const path of paths) {
    const keys = path.split('.')
    let node = tree
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as FieldTree
    node[keys[keys.length - 1] as string] = true
  }
  return tree
}

/** The scalar fields of the record and its structs: every field a rule or the aggregate reads. */
const SCALARS = fieldTree(SCALAR_PATHS)

function structType(tree: FieldTree): string {
  const fields = Object.entries(tree).map(([key, value]) =>
    value === true ? `${key} VARCHAR` : `${key} ${structType(value)}`
  )
  return `STRUCT(${fields.join(', ')})`
}

/** `value`'s struct with each field under the table's lowercase name, NULL when it is NULL. */
function lowercaseStruct(value: string, tree: FieldTree): string {
  const fields = Object.entries(tree).map(([key, child]) => {
    const field = `${value}.${key}`
    return `${key.toLowerCase()} := ${child === true ? field : lowercaseStruct(field, child)}`
  })
  return `CASE WHEN ${value} IS NOT NULL THEN struct_pack(${fields.join(', ')}) END`
}

/**
 * The fields of a CloudTrail record the table has, by the names CloudTrail writes: its scalars and
 * structs (from the field catalogue, which a test checks against the Athena DDL), the objects kept
 * as JSON, and `resources`. Athena's Hive JSON SerDe matches a record's keys to the lowercase
 * columns whatever their case, and keeps the last of duplicate keys; DuckDB matches keys exactly.
 * CloudTrail writes each key in one spelling, and so does the generator, so naming the fields as
 * CloudTrail does is enough. Nested objects whose shape varies by service stay JSON, as they are
 * STRING in the Athena table.
 * https://github.com/trinodb/trino/blob/master/lib/trino-hive-formats/src/main/java/io/trino/hive/formats/line/json/JsonDeserializer.java
 */
const RECORD_TYPE = `${structType(SCALARS).slice(0, -1)},
  ${JSON_ROOTS.map((root) => `${root} JSON`).join(', ')},
  resources STRUCT(ARN VARCHAR, accountId VARCHAR, type VARCHAR)[]
)[]`

/** The view's columns, as the Athena table names them. */
const COLUMNS = [
  ...Object.entries(SCALARS).map(([key, tree]) =>
    tree === true
      ? `r.${key} AS ${key.toLowerCase()}`
      : `${lowercaseStruct(`r.${key}`, tree)} AS ${key.toLowerCase()}`
  ),
  ...JSON_ROOTS.map((root) => `${jsonText(`r.${root}`)} AS ${root.toLowerCase()}`),
  `list_transform(r.resources, e -> ${lowercaseStruct('e', { ARN: true, accountId: true, type: true })}) AS resources`
]

/**
 * The partition of a file, from its path below the table's location, as the projection's
 * `storage.location.template` (`${account}/CloudTrail/${region}/${timestamp}`) lays it out.
 * Paths that do not fit (digest and Insights folders) have no partition, so the query's
 * partition filter leaves them out, as Athena never lists them.
 */
const PARTITION_PATH = '^([^/]+)/CloudTrail/([^/]+)/([0-9]{4}/[0-9]{2}/[0-9]{2})/[^/]+$'

/**
 * A JSON value in a STRING column, as the Hive JSON SerDe reads it: a string as its text (not
 * quoted, so a string that holds JSON reads as that JSON), an object or an array as its JSON text,
 * null as NULL.
 */
function jsonText(value: string): string {
  return `CASE json_type(${value}) WHEN 'VARCHAR' THEN ${value} ->> '$' ELSE CAST(${value} AS VARCHAR) END`
}

/** A SQL string literal for a value the test controls (a temporary directory's path). */
function text(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** A double-quoted SQL name. */
function name(value: string): string {
  return `"${value.replaceAll('"', '""')}"`
}

/**
 * An in-memory DuckDB holding a view shaped like the Athena table over a trail's logs in a
 * directory laid out like the bucket, so that the Athena SQL text runs on it as it is.
 */
export class AthenaOnDuckDB {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection
  ) {}

  static async open(): Promise<AthenaOnDuckDB> {
    const instance = await DuckDBInstance.create(':memory:')
    const connection = await instance.connect()
    // Athena runs its queries in UTC; a TIMESTAMPTZ cast here would use the session's zone.
    await connection.run("SET TimeZone = 'UTC'")
    for (const macro of PRESTO_MACROS) await connection.run(macro)
    return new AthenaOnDuckDB(instance, connection)
  }

  /**
   * Creates `table` (its database as a schema) as a view over every file below the trail's logs
   * root in `logsDir`: the table's LOCATION. Columns keep the Athena table's names, partition
   * columns (`account`, `region`, `timestamp`) included.
   */
  async createTable(table: TableRef, logsDir: string, layout: Layout): Promise<void> {
    // The root key ends in `/`, which `join` keeps.
    const location = join(logsDir, logsRootKey(layout)).replace(/\/$/, '')
    const records = `read_json(${text(join(location, '**', '*'))},
        format = 'auto', filename = true, maximum_object_size = 1073741824,
        columns = {Records: '${RECORD_TYPE}'})`
    const relative = `substr(filename, length(${text(`${location}/`)}) + 1)`
    await this.connection.run(`CREATE SCHEMA IF NOT EXISTS ${name(table.database)}`)
    await this.connection.run(`
      CREATE VIEW ${name(table.database)}.${name(table.table)} AS
      WITH files AS (
        SELECT ${relative} AS path, unnest(Records) AS r FROM ${records}
        WHERE starts_with(filename, ${text(`${location}/`)})
      )
      SELECT
        ${COLUMNS.join(',\n        ')},
        nullif(regexp_extract(path, '${PARTITION_PATH}', 1), '') AS account,
        nullif(regexp_extract(path, '${PARTITION_PATH}', 2), '') AS region,
        nullif(regexp_extract(path, '${PARTITION_PATH}', 3), '') AS "timestamp"
      FROM files`)
  }

  /**
   * Runs an aggregation query and reads its rows as the Athena engine does: each row's cells as
   * text, through `aggregateRow` (the count a whole number, the evidence JSON parsed).
   */
  async aggregate(sql: string): Promise<AggregateRow[]> {
    const reader = await this.connection.runAndReadAll(duckdbText(sql))
    const columns = reader.columnNames()
    if (columns.join() !== AGGREGATE_COLUMNS.join()) {
      throw new Error(`The query's columns are ${columns.join(', ')}`)
    }
    return reader.getRowsJS().map((row, index) => {
      const where = (): string => `row ${index + 1} of DuckDB's result`
      const cells = row.map((value, column) => {
        if (typeof value === 'string') return value
        if (typeof value === 'bigint') return String(value)
        throw new Error(`${where()}: ${columns[column]} is ${String(value)}, not text`)
      })
      return aggregateRow(cells, where)
    })
  }

  /** Runs a query and gives its rows as JavaScript values. */
  async rows(sql: string): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(duckdbText(sql))
    return reader.getRowObjectsJS()
  }

  close(): void {
    this.connection.closeSync()
    this.instance.closeSync()
  }
}
