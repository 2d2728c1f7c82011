import { describe, expect, it } from 'vitest'
import { FLAG_NAMES, flagOf, type FlagFields } from '../src/rules/flags.js'

const QUIET: FlagFields = {
  identitytype: 'AssumedRole',
  invokedby: '',
  eventtype: 'AwsApiCall',
  errorcode: '',
  errormessage: '',
  eventsource: 's3.amazonaws.com',
  eventname: 'GetObject',
  mfaused: '',
  consolelogin: ''
}

const event = (fields: Partial<FlagFields>): FlagFields => ({ ...QUIET, ...fields })
const call = (service: string, eventname: string): FlagFields =>
  event({ eventsource: `${service}.amazonaws.com`, eventname })

describe('audit flags', () => {
  it('flags nothing in ordinary activity', () => {
    expect(flagOf(QUIET)).toBe('')
  })

  it('flags root activity, but not a service acting as root or a service event', () => {
    expect(flagOf(event({ identitytype: 'Root' }))).toBe('root-activity')
    expect(flagOf(event({ identitytype: 'Root', invokedby: 'support.amazonaws.com' }))).toBe('')
    expect(flagOf(event({ identitytype: 'Root', eventtype: 'AwsServiceEvent' }))).toBe('')
  })

  it.each([
    ['unauthorized-calls', event({ errorcode: 'Client.UnauthorizedOperation' })],
    ['unauthorized-calls', event({ errorcode: 'AccessDenied' })],
    ['unauthorized-calls', event({ errorcode: 'AccessDeniedException' })],
    [
      'console-login-without-mfa',
      event({
        eventsource: 'signin.amazonaws.com',
        eventname: 'ConsoleLogin',
        identitytype: 'IAMUser',
        consolelogin: 'Success',
        mfaused: 'No'
      })
    ],
    [
      'console-login-failures',
      event({ eventname: 'ConsoleLogin', errormessage: 'Failed authentication' })
    ],
    ['console-login-failures', event({ eventname: 'ConsoleLogin', consolelogin: 'Failure' })],
    ['iam-policy-changes', call('iam', 'AttachRolePolicy')],
    ['iam-policy-changes', call('iam', 'DeletePolicyVersion')],
    ['cloudtrail-changes', call('cloudtrail', 'StopLogging')],
    ['kms-key-disabled-or-deleted', call('kms', 'ScheduleKeyDeletion')],
    ['s3-bucket-policy-changes', call('s3', 'PutBucketPolicy')],
    ['config-changes', call('config', 'StopConfigurationRecorder')],
    ['security-group-changes', call('ec2', 'AuthorizeSecurityGroupIngress')],
    ['nacl-changes', call('ec2', 'ReplaceNetworkAclEntry')],
    ['network-gateway-changes', call('ec2', 'AttachInternetGateway')],
    ['route-table-changes', call('ec2', 'CreateRoute')],
    ['vpc-changes', call('ec2', 'CreateVpcPeeringConnection')]
  ])('flags %s', (flag, fields) => {
    expect(flagOf(fields)).toBe(flag)
  })

  it('does not flag a console sign-in with MFA, or one by an assumed role', () => {
    const login = {
      eventname: 'ConsoleLogin',
      identitytype: 'IAMUser',
      consolelogin: 'Success'
    }
    expect(flagOf(event({ ...login, mfaused: 'Yes' }))).toBe('')
    expect(flagOf(event({ ...login, identitytype: 'AssumedRole', mfaused: 'No' }))).toBe('')
  })

  it('matches the service as well as the name', () => {
    expect(flagOf(call('lambda', 'CreatePolicy'))).toBe('')
  })

  it('gives an event matching several rules the most severe one', () => {
    const rootStopsLogging = event({
      identitytype: 'Root',
      eventsource: 'cloudtrail.amazonaws.com',
      eventname: 'StopLogging',
      errorcode: 'AccessDenied'
    })
    expect(flagOf(rootStopsLogging)).toBe('root-activity')
    expect(flagOf({ ...rootStopsLogging, identitytype: 'IAMUser' })).toBe('cloudtrail-changes')
  })

  it('orders the flags by severity', () => {
    expect(FLAG_NAMES).toEqual([
      'root-activity',
      'cloudtrail-changes',
      'console-login-without-mfa',
      'iam-policy-changes',
      'kms-key-disabled-or-deleted',
      's3-bucket-policy-changes',
      'config-changes',
      'security-group-changes',
      'nacl-changes',
      'network-gateway-changes',
      'route-table-changes',
      'vpc-changes',
      'console-login-failures',
      'unauthorized-calls'
    ])
  })
})
