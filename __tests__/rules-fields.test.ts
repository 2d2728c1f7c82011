import { describe, expect, it } from 'vitest'
import { COLUMNS } from '../src/engine/athena/sql.js'
import { JSON_ROOTS, resolveField, SCALAR_PATHS, UnknownField } from '../src/rules/fields.js'

/** Every scalar (STRING) path of the table's DDL, lowercase, dotted; arrays and maps left out. */
function ddlScalarPaths(ddl: string): string[] {
  const tokens = ddl.match(/[a-z0-9_]+|[<>:,]/gi) ?? []
  let at = 0
  const paths: string[] = []
  const type = (prefix: string): void => {
    const name = tokens[at++] as string
    if (name.toUpperCase() === 'STRUCT') {
      at++ // <
      for (;;) {
        const field = tokens[at++] as string
        at++ // :
        type(`${prefix}.${field}`)
        if (tokens[at++] === '>') return
      }
    }
    if (name.toUpperCase() === 'ARRAY' || name.toUpperCase() === 'MAP') {
      let depth = 0
      do {
        const token = tokens[at++]
        if (token === '<') depth++
        if (token === '>') depth--
      } while (depth > 0)
      return
    }
    paths.push(prefix.slice(1))
  }
  while (at < tokens.length) {
    const column = tokens[at++] as string
    type(`.${column}`)
    if (tokens[at] === ',') at++
  }
  return paths
}

describe('the field catalogue', () => {
  it('has only fields the Athena table has, as the table names them in lowercase', () => {
    const ddl = new Set(ddlScalarPaths(COLUMNS))
    for (const path of [...SCALAR_PATHS, ...JSON_ROOTS]) {
      expect(ddl, path).toContain(path.toLowerCase())
    }
  })

  it('resolves top-level scalars, struct fields, JSON paths and resource fields', () => {
    expect(resolveField('eventName').source).toEqual({
      kind: 'column',
      column: 'eventname',
      keys: ['eventName']
    })
    expect(resolveField('userIdentity.sessionContext.sessionIssuer.type').source).toEqual({
      kind: 'struct',
      column: 'useridentity',
      path: ['sessioncontext', 'sessionissuer', 'type'],
      keys: ['userIdentity', 'sessionContext', 'sessionIssuer', 'type']
    })
    expect(resolveField('requestParameters.policy.Statement').source).toEqual({
      kind: 'json',
      column: 'requestparameters',
      path: ['policy', 'Statement'],
      keys: ['requestParameters', 'policy', 'Statement']
    })
    expect(resolveField('responseElements').source).toEqual({
      kind: 'json',
      column: 'responseelements',
      path: [],
      keys: ['responseElements']
    })
    expect(resolveField('resources.ARN').source).toEqual({
      kind: 'array',
      column: 'resources',
      field: 'arn',
      keys: ['resources', 'ARN']
    })
  })

  it("finds the record's own fields whatever their case, as Athena does, but keeps JSON keys exact", () => {
    expect(resolveField('SourceIpAddress')).toEqual({
      path: 'SourceIpAddress',
      source: { kind: 'column', column: 'sourceipaddress', keys: ['sourceIPAddress'] }
    })
    expect(resolveField('REQUESTPARAMETERS.UserName').source).toMatchObject({
      path: ['UserName'],
      keys: ['requestParameters', 'UserName']
    })
    expect(resolveField('resources.arn').source).toMatchObject({ keys: ['resources', 'ARN'] })
  })

  it.each([
    ['eventName.x', 'the field "eventName.x" is not in the CloudTrail record'],
    ['userIdentity', 'the field "userIdentity" is not in the CloudTrail record'],
    [
      'userIdentity.sessionContext.webIdFederationData.attributes',
      'the field "userIdentity.sessionContext.webIdFederationData.attributes" is not in the CloudTrail record'
    ],
    ['resources', 'the field "resources" is not in the CloudTrail record'],
    ['resources.ARN.x', 'the field "resources.ARN.x" is not in the CloudTrail record'],
    ['managementEvent', 'the field "managementEvent" is not in the CloudTrail record'],
    [
      'requestParameters..x',
      'the field "requestParameters..x" has a key that is empty or holds ", \\ or a control character'
    ],
    [
      'requestParameters.a"b',
      'the field "requestParameters.a\\"b" has a key that is empty or holds ", \\ or a control character'
    ]
  ])('refuses %s', (path, message) => {
    expect(() => resolveField(path)).toThrow(new UnknownField(message))
  })
})
