import {
  assumedRole,
  awsService,
  by,
  byTerraform,
  call,
  denied,
  fromConsole,
  iamUser,
  instanceRole,
  rootUser,
  ssoUser,
  through,
  type JsonObject
} from '../records.js'
import type { RuleCases } from './rule-cases.js'

const secretArn = (name: string): string =>
  `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${name}-AbCdEf`
const getSecret = (identity: JsonObject, request: JsonObject = {}): JsonObject =>
  call('secretsmanager', 'GetSecretValue', {
    identity,
    request: { secretId: secretArn('prod/db/password'), ...request },
    fields: { readOnly: true }
  })
const getParameters = (
  identity: JsonObject,
  name = 'GetParameters',
  withDecryption = true
): JsonObject =>
  call('ssm', name, {
    identity,
    request: {
      names: ['/prod/db/password', '/prod/api/token'],
      withDecryption
    },
    fields: { readOnly: true }
  })

export const CREDENTIAL_ACCESS_CASES: readonly RuleCases[] = [
  {
    rule: 'ec2-password-data-burst',
    matches: {
      "a Windows instance's password read": call('ec2', 'GetPasswordData', {
        request: { instanceId: 'i-0123456789abcdef0' },
        fields: { readOnly: true }
      }),
      'a denied read counts too': denied(
        call('ec2', 'GetPasswordData', { request: { instanceId: 'i-0123456789abcdef0' } })
      )
    },
    misses: {
      'read by an AWS service': by(
        call('ec2', 'GetPasswordData', { request: { instanceId: 'i-0123456789abcdef0' } }),
        awsService('ssm.amazonaws.com')
      ),
      "an instance's console output read": call('ec2', 'GetConsoleOutput', {
        request: { instanceId: 'i-0123456789abcdef0' }
      })
    }
  },
  {
    rule: 'ec2-instance-credentials-caller-identity',
    matches: {
      'instance credentials asking who they are': call('sts', 'GetCallerIdentity', {
        identity: instanceRole(),
        fields: { readOnly: true }
      })
    },
    misses: {
      "a person's role session asking who it is": call('sts', 'GetCallerIdentity', {
        identity: assumedRole('ci-deploy', 'github-actions')
      }),
      'instance credentials listing buckets': call('s3', 'ListBuckets', {
        identity: instanceRole()
      })
    }
  },
  {
    rule: 'secretsmanager-bulk-read',
    matches: {
      "read with an IAM user's key": getSecret(iamUser()),
      'read by the root user': getSecret(rootUser()),
      'read in an IAM Identity Center session': getSecret(ssoUser()),
      'read from the console': fromConsole(getSecret(assumedRole('Admin', 'alice'))),
      'a denied read counts too': denied(getSecret(iamUser()))
    },
    misses: {
      "a workload's role reading (the by-role rule)": getSecret(assumedRole()),
      'a named version read, as Terraform refreshes it': byTerraform(
        getSecret(iamUser(), { versionId: 'B6762B14-ECB8-45D0-A1A0-95DE92B6A84C' })
      ),
      'a secret described': call('secretsmanager', 'DescribeSecret', {
        request: { secretId: secretArn('prod/db/password') }
      })
    }
  },
  {
    rule: 'secretsmanager-bulk-read-by-role',
    matches: {
      "read by a workload's role": getSecret(assumedRole()),
      'read with instance credentials': getSecret(instanceRole())
    },
    misses: {
      'read in an IAM Identity Center session (the other rule)': getSecret(ssoUser()),
      "read with an IAM user's key (the other rule)": getSecret(iamUser()),
      'read by ECS for a task': getSecret(through('ecs-tasks.amazonaws.com')),
      'a named version read': getSecret(assumedRole(), {
        versionStage: 'AWSCURRENT',
        versionId: 'v1'
      })
    }
  },
  {
    rule: 'secretsmanager-batch-read',
    matches: {
      'secrets read by filter': call('secretsmanager', 'BatchGetSecretValue', {
        request: { filters: [{ key: 'tag-key', values: ['team'] }] },
        fields: { readOnly: true }
      }),
      'secrets read by id in a role session': call('secretsmanager', 'BatchGetSecretValue', {
        identity: assumedRole(),
        request: { secretIdList: [secretArn('a'), secretArn('b')] }
      })
    },
    misses: {
      'one secret read': getSecret(iamUser()),
      'read by an AWS service': by(
        call('secretsmanager', 'BatchGetSecretValue', { request: { secretIdList: ['a'] } }),
        through('cloudformation.amazonaws.com')
      )
    }
  },
  {
    rule: 'ssm-parameters-bulk-decrypt',
    matches: {
      "decrypted in a batch with an IAM user's key": getParameters(iamUser()),
      'a tree decrypted in an IAM Identity Center session': getParameters(
        ssoUser(),
        'GetParametersByPath'
      )
    },
    misses: {
      'read without decryption': getParameters(iamUser(), 'GetParameters', false),
      'one parameter decrypted, as Terraform refreshes it': byTerraform(
        call('ssm', 'GetParameter', {
          request: { name: '/prod/db/password', withDecryption: true }
        })
      ),
      "decrypted by a workload's role (the by-role rule)": getParameters(assumedRole())
    }
  },
  {
    rule: 'ssm-parameters-bulk-decrypt-by-role',
    matches: {
      "decrypted in a batch by a workload's role": getParameters(assumedRole()),
      'a tree decrypted with instance credentials': getParameters(
        instanceRole(),
        'GetParametersByPath'
      )
    },
    misses: {
      'decrypted in an IAM Identity Center session (the other rule)': getParameters(ssoUser()),
      'read without decryption': getParameters(assumedRole(), 'GetParameters', false),
      'read by CloudFormation for a dynamic reference': getParameters(
        through('cloudformation.amazonaws.com')
      )
    }
  }
]
