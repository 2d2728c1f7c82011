import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import { join } from 'node:path'
import { AGGREGATE_COLUMNS, type AggregateRow } from '../src/engine/aggregate.js'
import { logsRootKey, type Layout } from '../src/plan/layout.js'
import type { TableRef } from '../src/plan/plan.js'

/**
 * The Presto functions of the aggregation query that DuckDB lacks, as macros that give Athena's
 * result on the values the tests write. DuckDB has `try`, `date`, `count_if`, `nullif` and
 * `AT TIME ZONE` (ICU is built in) with Presto's meaning, so those run as they are.
 *
 * - `from_iso8601_timestamp`: Presto parses ISO 8601 and fails on anything else, which the
 *   query's `try` turns into NULL. DuckDB's cast to TIMESTAMPTZ accepts other text (a space for
 *   the `T`, hour 24) and refuses some ISO forms (`T12`, `T12:30`, a comma before the fraction),
 *   so the macro casts only a date, or a date and time to the second with an optional fraction
 *   and offset: what CloudTrail writes, and the neighbours the tests try, on which both agree.
 *   Other text is NULL here directly, the NULL `try` gives in Athena. A well-formed but
 *   impossible time (`2026-11-31T…`) still fails the cast, and `try` catches it, as in Athena.
 *   (Failing with `error()` would be closer, but DuckDB refuses `try` around it.)
 * - `json_extract_scalar`: Presto gives NULL for an object or an array, where DuckDB's
 *   `json_extract_string` gives its JSON text, and NULL for text that is not JSON, where DuckDB
 *   fails. https://trino.io/docs/current/functions/json.html#json_extract_scalar
 */
const PRESTO_MACROS = [
  `CREATE MACRO from_iso8601_timestamp(text) AS
     CASE WHEN regexp_full_match(text,
         '\\d{4}-\\d{2}-\\d{2}(T([01]\\d|2[0-3]):\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})?)?')
       THEN CAST(text AS TIMESTAMPTZ) END`,
  `CREATE MACRO json_extract_scalar(json, path) AS
     CASE WHEN try(json_type(json, path)) NOT IN ('OBJECT', 'ARRAY')
       THEN try(json_extract_string(json, path)) END`
]

/**
 * The fields of a CloudTrail record the aggregation reads, by the names CloudTrail writes.
 * Athena's Hive JSON SerDe matches a record's keys to the lowercase columns whatever their case,
 * and keeps the last of duplicate keys; DuckDB matches keys exactly. CloudTrail writes each key
 * in one spelling, and so does the generator, so naming the fields as CloudTrail does is enough.
 * Nested objects whose shape varies by service stay JSON, as they are STRING in the Athena table.
 * https://github.com/trinodb/trino/blob/master/lib/trino-hive-formats/src/main/java/io/trino/hive/formats/line/json/JsonDeserializer.java
 */
const RECORD_TYPE = `STRUCT(
  eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR, awsRegion VARCHAR,
  errorCode VARCHAR, errorMessage VARCHAR, eventType VARCHAR, eventID VARCHAR,
  recipientAccountId VARCHAR,
  userIdentity STRUCT(type VARCHAR, arn VARCHAR, accountId VARCHAR, invokedBy VARCHAR,
    sessionContext STRUCT(sessionIssuer STRUCT(arn VARCHAR))),
  additionalEventData JSON, responseElements JSON
)[]`

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
        r.eventTime AS eventtime,
        r.eventSource AS eventsource,
        r.eventName AS eventname,
        r.awsRegion AS awsregion,
        r.errorCode AS errorcode,
        r.errorMessage AS errormessage,
        r.eventType AS eventtype,
        r.eventID AS eventid,
        r.recipientAccountId AS recipientaccountid,
        CASE WHEN r.userIdentity IS NOT NULL THEN struct_pack(
          type := r.userIdentity.type,
          arn := r.userIdentity.arn,
          accountid := r.userIdentity.accountId,
          invokedby := r.userIdentity.invokedBy,
          sessioncontext := struct_pack(
            sessionissuer := struct_pack(arn := r.userIdentity.sessionContext.sessionIssuer.arn)
          )
        ) END AS useridentity,
        ${jsonText('r.additionalEventData')} AS additionaleventdata,
        ${jsonText('r.responseElements')} AS responseelements,
        nullif(regexp_extract(path, '${PARTITION_PATH}', 1), '') AS account,
        nullif(regexp_extract(path, '${PARTITION_PATH}', 2), '') AS region,
        nullif(regexp_extract(path, '${PARTITION_PATH}', 3), '') AS "timestamp"
      FROM files`)
  }

  /** Runs an aggregation query and reads its rows as the engines yield them. */
  async aggregate(sql: string): Promise<AggregateRow[]> {
    const reader = await this.connection.runAndReadAll(sql)
    const columns = reader.columnNames()
    if (columns.join() !== AGGREGATE_COLUMNS.join()) {
      throw new Error(`The query's columns are ${columns.join(', ')}`)
    }
    return reader.getRowObjectsJS().map((row) => {
      const text = (column: (typeof AGGREGATE_COLUMNS)[number]): string => {
        const value = row[column]
        if (typeof value !== 'string') throw new Error(`${column} is ${String(value)}, not text`)
        return value
      }
      const events = row.events
      if (typeof events !== 'bigint') throw new Error(`events is ${String(events)}, not a count`)
      return {
        account: text('account'),
        region: text('region'),
        eventsource: text('eventsource'),
        eventname: text('eventname'),
        eventdate: text('eventdate'),
        errorcode: text('errorcode'),
        identitytype: text('identitytype'),
        principal: text('principal'),
        flag: text('flag'),
        events: Number(events)
      }
    })
  }

  close(): void {
    this.connection.closeSync()
    this.instance.closeSync()
  }
}
