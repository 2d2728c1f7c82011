import { describe, expect, it } from 'vitest'
import type { AggregateRow } from '../src/engine/aggregate.js'
import type { PrincipalSelection } from '../src/inputs/inputs.js'
import { buildReports, reportFiles } from '../src/reports/index.js'
import { leastPrivilegePolicy, policyFileNames } from '../src/reports/permissions/policy.js'
import { principalSelector } from '../src/reports/permissions/principals.js'
import { catalogueAction } from '../src/reports/permissions/catalogue.js'
import { Random } from '../scripts/generator/random.js'

const ACCOUNT = '111122223333'
const DEPLOY = `arn:aws:iam::${ACCOUNT}:role/ci-deploy`
const SSO = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0a1b2c3d`

function row(partial: Partial<AggregateRow> & { events: number }): AggregateRow {
  return {
    account: ACCOUNT,
    region: 'us-east-1',
    eventsource: 'iam.amazonaws.com',
    eventname: 'GetRole',
    eventdate: '2026-11-01',
    errorcode: '',
    identitytype: 'AssumedRole',
    principal: DEPLOY,
    actor: '',
    rules: '',
    first: '',
    last: '',
    evidence: [],
    records: partial.events,
    ...partial
  }
}

async function filesOf(
  rows: readonly AggregateRow[],
  selection: PrincipalSelection = 'all'
): Promise<Record<string, string>> {
  async function* aggregate(): AsyncIterable<AggregateRow> {
    yield* rows
  }
  const files = reportFiles(await buildReports(aggregate(), { permissions: { selection } }))
  return Object.fromEntries(
    Object.entries(files).filter(
      ([name]) => name.startsWith('permissions') || name.startsWith('policies/')
    )
  )
}

/** Generated activity of several principals: each calls some of these events, some denied. */
const EVENTS: readonly [source: string, name: string, action: string][] = [
  ['ec2.amazonaws.com', 'DescribeInstances', 'ec2:DescribeInstances'],
  ['ec2.amazonaws.com', 'RunInstances', 'ec2:RunInstances'],
  ['s3.amazonaws.com', 'ListObjectsV2', 's3:ListBucket'],
  ['s3.amazonaws.com', 'ListObjects', 's3:ListBucket'],
  ['s3.amazonaws.com', 'CopyObject', 's3:GetObject s3:PutObject'],
  ['lambda.amazonaws.com', 'Invoke', 'lambda:InvokeFunction'],
  ['lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', 'lambda:UpdateFunctionCode'],
  ['monitoring.amazonaws.com', 'GetMetricData', 'cloudwatch:GetMetricData'],
  ['kms.amazonaws.com', 'Decrypt', 'kms:Decrypt'],
  ['sts.amazonaws.com', 'AssumeRole', 'sts:AssumeRole']
]
const PRINCIPALS = [
  DEPLOY,
  SSO,
  `arn:aws:iam::${ACCOUNT}:user/alice`,
  `arn:aws:iam::444455556666:role/ci-deploy`
]

function generatedActivity(seed: number): {
  rows: AggregateRow[]
  granted: Map<string, Set<string>>
} {
  const random = new Random(seed)
  const rows: AggregateRow[] = []
  const granted = new Map<string, Set<string>>(PRINCIPALS.map((p) => [p, new Set<string>()]))
  for (const principal of PRINCIPALS) {
    for (const [eventsource, eventname, actions] of EVENTS) {
      if (!random.chance(0.6)) continue
      const denied = random.chance(0.3)
      const allowed = !denied || random.chance(0.5)
      if (allowed) {
        rows.push(row({ principal, eventsource, eventname, events: random.int(1, 50) }))
        for (const action of actions.split(' ')) granted.get(principal)?.add(action)
      }
      if (denied) {
        const errorcode =
          eventsource === 'ec2.amazonaws.com' ? 'Client.UnauthorizedOperation' : 'AccessDenied'
        rows.push(row({ principal, eventsource, eventname, errorcode, events: random.int(1, 5) }))
      }
    }
  }
  return { rows, granted }
}

describe('policy files for generated activity of several principals', () => {
  it('grant exactly the actions called without being denied, as valid policy documents', async () => {
    for (const seed of [1, 2, 3]) {
      const { rows, granted } = generatedActivity(seed)
      const files = await filesOf(rows)
      const names = policyFileNames(PRINCIPALS)
      for (const [principal, actions] of granted) {
        const name = names.get(principal) ?? ''
        if (actions.size === 0) {
          expect(files[name]).toBeUndefined()
          continue
        }
        const policy = JSON.parse(files[name] ?? '') as {
          Version: string
          Statement: { Sid: string; Effect: string; Action: string[]; Resource: string }[]
        }
        expect(policy.Version).toBe('2012-10-17')
        expect(Object.keys(policy)).toEqual(['Version', 'Statement'])
        for (const statement of policy.Statement) {
          expect(Object.keys(statement)).toEqual(['Sid', 'Effect', 'Action', 'Resource'])
          expect(statement.Effect).toBe('Allow')
          expect(statement.Resource).toBe('*')
          expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/)
          for (const action of statement.Action) {
            const [prefix = '', actionName = ''] = action.split(':')
            expect(catalogueAction(prefix, actionName)).toBe(action)
          }
        }
        const all = policy.Statement.flatMap((statement) => statement.Action)
        expect(all.sort()).toEqual([...actions].sort())
      }
    }
  })

  it('are the same bytes whatever order the aggregate rows come in', async () => {
    const { rows } = generatedActivity(7)
    const expected = await filesOf(rows)
    const random = new Random(99)
    for (let i = 0; i < 5; i++) {
      const shuffled = [...rows]
      for (let j = shuffled.length - 1; j > 0; j--) {
        const k = random.int(0, j)
        ;[shuffled[j], shuffled[k]] = [shuffled[k] as AggregateRow, shuffled[j] as AggregateRow]
      }
      expect(await filesOf(shuffled)).toEqual(expected)
    }
  })
})

describe('the least-privilege policy', () => {
  it('groups actions by service, both in code point order, with Resource "*"', () => {
    expect(
      leastPrivilegePolicy(['s3:PutObject', 'ec2:RunInstances', 's3:GetObject', 's3:GetObject'])
    ).toBe(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Ec2",
      "Effect": "Allow",
      "Action": [
        "ec2:RunInstances"
      ],
      "Resource": "*"
    },
    {
      "Sid": "S3",
      "Effect": "Allow",
      "Action": [
        "s3:GetObject",
        "s3:PutObject"
      ],
      "Resource": "*"
    }
  ]
}
`)
  })

  it('is not written for a principal whose every call was denied', async () => {
    const files = await filesOf([row({ errorcode: 'AccessDenied', events: 3 })])
    expect(Object.keys(files).sort()).toEqual(['permissions-unmapped.csv', 'permissions.csv'])
    expect(files['permissions.csv']).toBe(
      `"principal","action","events","denied","first","last"\n"${DEPLOY}","iam:GetRole","3","3","2026-11-01","2026-11-01"\n`
    )
  })
})

describe('policy file names', () => {
  it('are the principal without its arn:aws:iam:: head, other characters made "-"', () => {
    expect(
      policyFileNames([DEPLOY, SSO, `arn:aws:iam::${ACCOUNT}:user/dev/bob+ci@example.com`])
    ).toEqual(
      new Map([
        [DEPLOY, 'policies/111122223333-role-ci-deploy.json'],
        [
          SSO,
          'policies/111122223333-role-aws-reserved-sso.amazonaws.com-AWSReservedSSO_Admin_0a1b2c3d.json'
        ],
        [
          `arn:aws:iam::${ACCOUNT}:user/dev/bob+ci@example.com`,
          'policies/111122223333-user-dev-bob-ci-example.com.json'
        ]
      ])
    )
  })

  it('get a hash of the principal when two would be the same file, ignoring case', () => {
    const a = `arn:aws:iam::${ACCOUNT}:role/team/app`
    const b = `arn:aws:iam::${ACCOUNT}:role/team-app`
    const c = `arn:aws:iam::${ACCOUNT}:role/Team-App`
    const names = policyFileNames([a, b, c, DEPLOY])
    expect(names.get(DEPLOY)).toBe('policies/111122223333-role-ci-deploy.json')
    expect([names.get(a), names.get(b), names.get(c)]).toEqual([
      expect.stringMatching(/^policies\/111122223333-role-team-app-[0-9a-f]{8}\.json$/),
      expect.stringMatching(/^policies\/111122223333-role-team-app-[0-9a-f]{8}\.json$/),
      expect.stringMatching(/^policies\/111122223333-role-Team-App-[0-9a-f]{8}\.json$/)
    ])
    expect(new Set([names.get(a), names.get(b), names.get(c)]).size).toBe(3)
    expect(policyFileNames([b, a]).get(a)).toBe(names.get(a))
  })

  it('stay short, and never start with a dot', () => {
    const long = `arn:aws:iam::${ACCOUNT}:role/${'x'.repeat(300)}`
    expect(policyFileNames([long]).get(long)).toBe(
      `policies/111122223333-role-${'x'.repeat(182)}.json`
    )
    expect(policyFileNames(['..hidden']).get('..hidden')).toBe('policies/hidden.json')
  })
})

describe('which principals are selected', () => {
  const all = principalSelector('all')

  it('all: IAM users and roles, in any partition', () => {
    expect(all(DEPLOY)).toBe(true)
    expect(all(SSO)).toBe(true)
    expect(all(`arn:aws:iam::${ACCOUNT}:user/alice`)).toBe(true)
    expect(all(`arn:aws-us-gov:iam::${ACCOUNT}:role/deploy`)).toBe(true)
  })

  it('all: not the root user, services, other accounts or service-linked roles', () => {
    expect(all(`arn:aws:iam::${ACCOUNT}:root`)).toBe(false)
    expect(all('ec2.amazonaws.com')).toBe(false)
    expect(all('999988887777')).toBe(false)
    expect(all(`arn:aws:sts::${ACCOUNT}:federated-user/bob`)).toBe(false)
    expect(
      all(
        `arn:aws:iam::${ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`
      )
    ).toBe(false)
  })

  it('patterns: whole principals, * for any run of characters, case-sensitive', () => {
    const selects = principalSelector(['*:role/ci-*', `arn:aws:iam::${ACCOUNT}:user/alice`])
    expect(selects(DEPLOY)).toBe(true)
    expect(selects(`arn:aws:iam::444455556666:role/ci-build`)).toBe(true)
    expect(selects(`arn:aws:iam::${ACCOUNT}:role/CI-deploy`)).toBe(false)
    expect(selects(`arn:aws:iam::${ACCOUNT}:user/alice`)).toBe(true)
    expect(selects(`arn:aws:iam::${ACCOUNT}:user/alice2`)).toBe(false)
    expect(selects(`arn:aws:iam::${ACCOUNT}:role/team/ci-x`)).toBe(false)
    expect(principalSelector(['arn:aws:iam::*:role/a.b'])(`arn:aws:iam::${ACCOUNT}:role/aXb`)).toBe(
      false
    )
    expect(principalSelector(['*'])('ec2.amazonaws.com')).toBe(true)
  })

  it('leaves the files empty of principals that were not selected', async () => {
    const files = await filesOf(
      [row({ events: 2 }), row({ principal: `arn:aws:iam::${ACCOUNT}:user/alice`, events: 1 })],
      ['*:user/*']
    )
    expect(files['permissions.csv']).toBe(
      `"principal","action","events","denied","first","last"\n"arn:aws:iam::${ACCOUNT}:user/alice","iam:GetRole","1","0","2026-11-01","2026-11-01"\n`
    )
    expect(Object.keys(files)).toContain('policies/111122223333-user-alice.json')
    expect(Object.keys(files)).not.toContain('policies/111122223333-role-ci-deploy.json')
  })
})

describe('permissions.csv', () => {
  it('adds events up per action over event names, days and regions; first and last are UTC dates', async () => {
    const files = await filesOf([
      row({
        eventsource: 's3.amazonaws.com',
        eventname: 'ListObjects',
        eventdate: '2026-11-03',
        events: 1
      }),
      row({
        eventsource: 's3.amazonaws.com',
        eventname: 'ListObjectsV2',
        region: 'eu-west-1',
        eventdate: '2026-11-01',
        events: 4
      }),
      row({
        eventsource: 's3.amazonaws.com',
        eventname: 'HeadBucket',
        errorcode: 'AccessDenied',
        eventdate: '2026-11-02',
        events: 2
      }),
      row({
        eventsource: 's3.amazonaws.com',
        eventname: 'CopyObject',
        eventdate: '2026-11-02',
        events: 3
      }),
      row({ eventsource: 'ec2.amazonaws.com', eventname: 'Describe"Quoted"', events: 1 })
    ])
    expect(files['permissions.csv']).toBe(`"principal","action","events","denied","first","last"
"${DEPLOY}","s3:ListBucket","7","2","2026-11-01","2026-11-03"
"${DEPLOY}","s3:GetObject","3","0","2026-11-02","2026-11-02"
"${DEPLOY}","s3:PutObject","3","0","2026-11-02","2026-11-02"
`)
    expect(files['permissions-unmapped.csv'])
      .toBe(`"principal","eventsource","eventname","reason","events","denied","first","last"
"${DEPLOY}","ec2.amazonaws.com","Describe""Quoted""","no such action","1","0","2026-11-01","2026-11-01"
`)
  })

  it('is headers only when no selected principal acted', async () => {
    expect(await filesOf([row({ events: 1 })], ['arn:aws:iam::000000000000:role/nobody'])).toEqual({
      'permissions.csv': '"principal","action","events","denied","first","last"\n',
      'permissions-unmapped.csv':
        '"principal","eventsource","eventname","reason","events","denied","first","last"\n'
    })
  })
})
