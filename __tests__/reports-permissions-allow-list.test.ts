import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AggregateRow } from '../src/engine/aggregate.js'
import { parsePolicyDocument, readPolicyDocument } from '../src/inputs/policy-document.js'
import { buildReports } from '../src/reports/index.js'
import { allowChecker, unknownPatterns } from '../src/reports/permissions/allow-list.js'
import { notAllowedMessage } from '../src/reports/permissions/report.js'

function allows(document: object): (action: string) => boolean {
  return allowChecker(parsePolicyDocument(JSON.stringify(document)))
}

describe('the allow-list check', () => {
  it('allows what an Allow statement names, exactly or with * and ? wildcards', () => {
    const check = allows({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['ec2:Describe*', 's3:GetObject'], Resource: '*' },
        { Effect: 'Allow', Action: 'lambda:?etFunction' }
      ]
    })
    expect(check('ec2:DescribeInstances')).toBe(true)
    expect(check('ec2:Describe')).toBe(true)
    expect(check('ec2:RunInstances')).toBe(false)
    expect(check('s3:GetObject')).toBe(true)
    expect(check('s3:GetObjectAcl')).toBe(false)
    expect(check('lambda:GetFunction')).toBe(true)
    expect(check('lambda:GetFunctionConfiguration')).toBe(false)
    expect(check('ec2messages:DescribeX')).toBe(false)
  })

  it('matches actions without regard to case, as IAM does', () => {
    const check = allows({ Statement: { Effect: 'Allow', Action: 'S3:getobject' } })
    expect(check('s3:GetObject')).toBe(true)
  })

  it('allows everything with "*", and a whole service with "service:*"', () => {
    expect(allows({ Statement: [{ Effect: 'Allow', Action: '*' }] })('iam:CreateUser')).toBe(true)
    const service = allows({ Statement: [{ Effect: 'Allow', Action: 'iam:*' }] })
    expect(service('iam:CreateUser')).toBe(true)
    expect(service('iam2:CreateUser')).toBe(false)
  })

  it('lets an explicit Deny win over any Allow', () => {
    const check = allows({
      Statement: [
        { Effect: 'Allow', Action: 'iam:*' },
        { Effect: 'Deny', Action: ['iam:Create*', 'iam:Delete*'] }
      ]
    })
    expect(check('iam:GetRole')).toBe(true)
    expect(check('iam:CreateRole')).toBe(false)
    expect(check('iam:DeleteUser')).toBe(false)
  })

  it('reads NotAction: Allow every action not listed, Deny every action not listed', () => {
    const allowAllBut = allows({
      Statement: [{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'] }]
    })
    expect(allowAllBut('s3:GetObject')).toBe(true)
    expect(allowAllBut('iam:GetRole')).toBe(false)
    const onlyThese = allows({
      Statement: [
        { Effect: 'Allow', Action: '*' },
        { Effect: 'Deny', NotAction: ['s3:*', 'sts:GetCallerIdentity'] }
      ]
    })
    expect(onlyThese('s3:PutObject')).toBe(true)
    expect(onlyThese('sts:GetCallerIdentity')).toBe(true)
    expect(onlyThese('ec2:RunInstances')).toBe(false)
  })

  it('allows nothing with only Deny statements', () => {
    expect(allows({ Statement: [{ Effect: 'Deny', Action: 'iam:*' }] })('s3:GetObject')).toBe(false)
  })

  it('names the patterns that match no action of the catalogue', () => {
    const document = parsePolicyDocument(
      JSON.stringify({
        Statement: [
          { Effect: 'Allow', Action: ['s3:GetObjects', 's3:Get*', 'ec2:Describe?nstances', '*'] },
          { Effect: 'Deny', Action: ['nosuchservice:*'] }
        ]
      })
    )
    expect(unknownPatterns(document)).toEqual(['s3:GetObjects', 'nosuchservice:*'])
  })
})

describe('policy documents that are not', () => {
  it.each([
    ['{"Statement": [', /^not JSON \(.+\)$/],
    ['[]', 'the document must be a JSON object'],
    ['{"Version": "2012-10-17"}', 'it has no "Statement"'],
    [
      '{"Version": "2020-01-01", "Statement": []}',
      '"Version" must be "2012-10-17" or "2008-10-17"; got "2020-01-01"'
    ],
    ['{"Statement": []}', '"Statement" is an empty list'],
    ['{"Statement": ["s3:GetObject"]}', 'Statement[0] must be an object'],
    [
      '{"Statement": [{"Effect": "allow", "Action": "s3:GetObject"}]}',
      'Statement[0]: "Effect" must be "Allow" or "Deny"; got "allow"'
    ],
    [
      '{"Statement": [{"Effect": "Allow", "Action": "*"}, {"Effect": "Allow"}]}',
      'Statement[1] must have exactly one of "Action" and "NotAction"'
    ],
    [
      '{"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "iam:*"}]}',
      'Statement[0] must have exactly one of "Action" and "NotAction"'
    ],
    [
      '{"Statement": [{"Effect": "Allow", "Action": []}]}',
      'Statement[0].Action must be an action or a non-empty list of actions'
    ],
    [
      '{"Statement": [{"Effect": "Allow", "NotAction": [1]}]}',
      'Statement[0].NotAction must be an action or a non-empty list of actions'
    ],
    [
      '{"Statement": [{"Effect": "Allow", "Action": "s3 GetObject"}]}',
      'Statement[0].Action: "s3 GetObject" is not an action such as "s3:GetObject", "s3:Get*" or "*"'
    ]
  ])('%s: %s', (text, message) => {
    expect(() => parsePolicyDocument(text)).toThrow(message)
  })
})

describe('reading the allow-list file', () => {
  let workspace: string
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'allow-list-'))
    await writeFile(
      join(workspace, 'allowed.json'),
      '{"Statement": {"Effect": "Allow", "Action": "s3:*"}}'
    )
    await writeFile(
      join(workspace, 'broken.json'),
      '{"Statement": [{"Effect": "Allow", "Action": "s3:*"},]}'
    )
  })
  afterAll(() => rm(workspace, { recursive: true, force: true }))

  it('reads a path relative to the workspace', async () => {
    expect(await readPolicyDocument('fail-on-permissions', 'allowed.json', workspace)).toEqual({
      statements: [{ effect: 'Allow', actions: ['s3:*'], notAction: false }]
    })
  })

  it('names the input and the file when it is missing', async () => {
    await expect(
      readPolicyDocument('fail-on-permissions', 'infra/missing.json', workspace)
    ).rejects.toThrow(
      `Input 'fail-on-permissions' names a file that does not exist: ${join(workspace, 'infra/missing.json')}`
    )
  })

  it('names the input, the file and what is wrong when it is not a policy document', async () => {
    await expect(
      readPolicyDocument('fail-on-permissions', 'broken.json', workspace)
    ).rejects.toThrow(
      /^Input 'fail-on-permissions' must be an IAM policy document: broken\.json: not JSON \(.+\)$/
    )
  })
})

describe('the failure message', () => {
  const DEPLOY = 'arn:aws:iam::111122223333:role/ci-deploy'
  async function permissionsOf(actions: readonly [string, string, string][], allowed: object) {
    async function* aggregate(): AsyncIterable<AggregateRow> {
      for (const [principal, eventsource, eventname] of actions) {
        yield {
          account: '111122223333',
          region: 'us-east-1',
          eventsource,
          eventname,
          eventdate: '2026-11-01',
          errorcode: '',
          identitytype: 'AssumedRole',
          principal,
          actor: '',
          rules: '',
          first: '',
          last: '',
          evidence: [],
          events: 1,
          records: 1
        }
      }
    }
    const document = parsePolicyDocument(JSON.stringify(allowed))
    const reports = await buildReports(aggregate(), {
      permissions: { selection: 'all', allowList: { path: '.github/allowed.json', document } }
    })
    return reports.permissions
  }

  it('names each principal and the actions the allow-list does not allow', async () => {
    const permissions = await permissionsOf(
      [
        [DEPLOY, 'iam.amazonaws.com', 'CreateRole'],
        [DEPLOY, 's3.amazonaws.com', 'PutBucketPolicy'],
        [DEPLOY, 's3.amazonaws.com', 'GetObject'],
        ['arn:aws:iam::111122223333:user/alice', 's3.amazonaws.com', 'GetObject'],
        ['arn:aws:iam::111122223333:user/bob', 'ec2.amazonaws.com', 'RunInstances']
      ],
      { Statement: [{ Effect: 'Allow', Action: ['s3:Get*'] }] }
    )
    expect(permissions?.principals.map((p) => [p.principal, p.notAllowed])).toEqual([
      [DEPLOY, ['iam:CreateRole', 's3:PutBucketPolicy']],
      ['arn:aws:iam::111122223333:user/alice', []],
      ['arn:aws:iam::111122223333:user/bob', ['ec2:RunInstances']]
    ])
    expect(notAllowedMessage(permissions)).toBe(
      'fail-on-permissions: 2 principals used actions that .github/allowed.json does not allow: ' +
        `${DEPLOY} (iam:CreateRole, s3:PutBucketPolicy); arn:aws:iam::111122223333:user/bob (ec2:RunInstances)`
    )
  })

  it('is undefined when every principal kept to the allow-list, or without one', async () => {
    const permissions = await permissionsOf([[DEPLOY, 's3.amazonaws.com', 'GetObject']], {
      Statement: [{ Effect: 'Allow', Action: ['s3:Get*'] }]
    })
    expect(notAllowedMessage(permissions)).toBeUndefined()
    expect(notAllowedMessage(undefined)).toBeUndefined()
  })
})
