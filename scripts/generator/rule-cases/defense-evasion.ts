import {
  ACCOUNT,
  awsService,
  by,
  byTerraform,
  call,
  denied,
  through,
  type JsonObject
} from '../records.js'
import type { RuleCases } from './rule-cases.js'

const TRAIL = 'management-events'
const selectors = (selector: JsonObject): JsonObject =>
  call('cloudtrail', 'PutEventSelectors', {
    request: {
      trailName: TRAIL,
      eventSelectors: [
        {
          readWriteType: 'All',
          includeManagementEvents: true,
          dataResources: [],
          excludeManagementEventSources: [],
          ...selector
        }
      ]
    }
  })
const advancedSelectors = (categories: string[]): JsonObject =>
  call('cloudtrail', 'PutEventSelectors', {
    request: {
      trailName: TRAIL,
      advancedEventSelectors: categories.map((category) => ({
        name: `${category} events`,
        fieldSelectors: [{ field: 'eventCategory', equals: [category] }]
      }))
    }
  })

const lifecycle = (rule: JsonObject): JsonObject =>
  call('s3', 'PutBucketLifecycle', {
    request: {
      bucketName: 'org-cloudtrail-logs',
      Host: 'org-cloudtrail-logs.s3.eu-west-1.amazonaws.com',
      lifecycle: '',
      LifecycleConfiguration: {
        xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
        Rule: { ID: 'logs', Status: 'Enabled', Filter: { Prefix: '' }, ...rule }
      }
    }
  })

const bucketPolicy = (statements: JsonObject[]): JsonObject =>
  call('s3', 'PutBucketPolicy', {
    request: {
      bucketName: 'org-cloudtrail-logs',
      Host: 'org-cloudtrail-logs.s3.eu-west-1.amazonaws.com',
      policy: '',
      bucketPolicy: { Version: '2012-10-17', Statement: statements }
    }
  })
const cloudTrailWrite = {
  Sid: 'AWSCloudTrailWrite',
  Effect: 'Allow',
  Principal: { Service: 'cloudtrail.amazonaws.com' },
  Action: 's3:PutObject',
  Resource: `arn:aws:s3:::org-cloudtrail-logs/AWSLogs/${ACCOUNT}/*`
}
const denyInsecureTransport = {
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: 'arn:aws:s3:::org-cloudtrail-logs/*',
  Condition: { Bool: { 'aws:SecureTransport': 'false' } }
}

const deleteLogGroup = (logGroupName: string): JsonObject =>
  call('logs', 'DeleteLogGroup', { request: { logGroupName } })

const guardduty = (name: string, request: JsonObject = {}): JsonObject =>
  call('guardduty', name, {
    request: { detectorId: '12abc34d567e8fa901bc2d34eexample', ...request }
  })

export const DEFENSE_EVASION_CASES: readonly RuleCases[] = [
  {
    rule: 'cloudtrail-event-selectors-reduced',
    matches: {
      'management events turned off': selectors({
        readWriteType: 'ReadOnly',
        includeManagementEvents: false
      }),
      'only read events kept': selectors({ readWriteType: 'ReadOnly' }),
      'a management event source excluded': selectors({
        excludeManagementEventSources: ['kms.amazonaws.com']
      }),
      'advanced selectors without management events': advancedSelectors(['Data'])
    },
    misses: {
      'every management event kept': selectors({}),
      'advanced selectors that keep management events': advancedSelectors(['Management', 'Data']),
      'a denied attempt': denied(selectors({ includeManagementEvents: false }))
    }
  },
  {
    rule: 'cloudtrail-lake-ingestion-stopped',
    matches: {
      'ingestion stopped': call('cloudtrail', 'StopEventDataStoreIngestion', {
        request: { eventDataStore: 'arn:aws:cloudtrail:eu-west-1:111122223333:eventdatastore/eds1' }
      })
    },
    misses: {
      'ingestion started': call('cloudtrail', 'StartEventDataStoreIngestion', {
        request: { eventDataStore: 'arn:aws:cloudtrail:eu-west-1:111122223333:eventdatastore/eds1' }
      }),
      'a denied deletion': denied(call('cloudtrail', 'DeleteEventDataStore'))
    }
  },
  {
    rule: 'cloudtrail-logging-stopped',
    matches: {
      'logging stopped': call('cloudtrail', 'StopLogging', { request: { name: TRAIL } }),
      'the trail deleted': call('cloudtrail', 'DeleteTrail', { request: { name: TRAIL } })
    },
    misses: {
      'logging started': call('cloudtrail', 'StartLogging', { request: { name: TRAIL } }),
      'a denied stop': denied(call('cloudtrail', 'StopLogging', { request: { name: TRAIL } }))
    }
  },
  {
    rule: 's3-lifecycle-short-expiration',
    matches: {
      'objects expired after one day': lifecycle({ Expiration: { Days: 1 } }),
      'objects expired after seven days': lifecycle({ Expiration: { Days: 7 } })
    },
    misses: {
      'objects expired after a year': lifecycle({ Expiration: { Days: 365 } }),
      'objects expired after seventy days': lifecycle({ Expiration: { Days: 70 } }),
      'objects moved to Glacier after one day': lifecycle({
        Transition: { Days: 1, StorageClass: 'GLACIER' }
      }),
      'noncurrent versions expired after one day': lifecycle({
        NoncurrentVersionExpiration: { NoncurrentDays: 1 }
      }),
      'a denied attempt': denied(lifecycle({ Expiration: { Days: 1 } }))
    }
  },
  {
    rule: 's3-bucket-policy-denies-log-delivery',
    matches: {
      'CloudTrail denied writing': bucketPolicy([
        { ...cloudTrailWrite, Sid: 'Block', Effect: 'Deny' }
      ]),
      'flow log delivery denied, principal before effect': bucketPolicy([
        {
          Principal: { Service: ['delivery.logs.amazonaws.com'] },
          Effect: 'Deny',
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::org-cloudtrail-logs/*'
        }
      ])
    },
    misses: {
      'the usual trail bucket policy with a TLS-only deny': bucketPolicy([
        cloudTrailWrite,
        denyInsecureTransport
      ]),
      'a denied attempt': denied(bucketPolicy([{ ...cloudTrailWrite, Effect: 'Deny' }]))
    }
  },
  {
    rule: 'log-delivery-denied',
    matches: {
      'flow logs refused writing': denied(
        call('s3', 'PutObject', {
          identity: awsService('delivery.logs.amazonaws.com'),
          request: { bucketName: 'org-flow-logs', key: 'AWSLogs/flow.log.gz' }
        })
      ),
      'CloudTrail refused reading the ACL': denied(
        call('s3', 'GetBucketAcl', {
          identity: awsService('cloudtrail.amazonaws.com'),
          request: { bucketName: 'org-cloudtrail-logs', acl: '' }
        })
      )
    },
    misses: {
      'a delivery that went through': call('s3', 'PutObject', {
        identity: awsService('delivery.logs.amazonaws.com'),
        request: { bucketName: 'org-flow-logs', key: 'AWSLogs/flow.log.gz' }
      }),
      'a person refused writing': denied(
        call('s3', 'PutObject', { request: { bucketName: 'org-flow-logs', key: 'x' } })
      ),
      'another service refused': denied(
        call('s3', 'PutObject', {
          identity: awsService('elasticmapreduce.amazonaws.com'),
          request: { bucketName: 'emr-logs', key: 'x' }
        })
      )
    }
  },
  {
    rule: 'cloudwatch-security-log-group-deleted',
    matches: {
      'the flow logs group deleted': deleteLogGroup('/vpc/flow-logs'),
      'the trail group deleted': deleteLogGroup('aws-cloudtrail-logs-111122223333-org'),
      'deleted by a CloudFormation stack too': by(
        deleteLogGroup('/aws/eks/prod/cluster'),
        through('cloudformation.amazonaws.com')
      )
    },
    misses: {
      "an application's log group deleted": deleteLogGroup('/aws/lambda/orders-api'),
      'a denied attempt': denied(deleteLogGroup('/vpc/flow-logs'))
    }
  },
  {
    rule: 'cloudwatch-log-group-deleted',
    matches: {
      "an application's log group deleted": deleteLogGroup('/aws/lambda/orders-api')
    },
    misses: {
      'a security log group (the other rule)': deleteLogGroup('/vpc/flow-logs'),
      'deleted by a CloudFormation stack': by(
        deleteLogGroup('/aws/lambda/orders-api'),
        through('cloudformation.amazonaws.com')
      ),
      'a denied attempt': denied(deleteLogGroup('/aws/lambda/orders-api'))
    }
  },
  {
    rule: 'cloudwatch-log-stream-deleted',
    matches: {
      'a stream deleted': call('logs', 'DeleteLogStream', {
        request: { logGroupName: '/aws/lambda/orders-api', logStreamName: '2026/11/02/[$LATEST]a1' }
      })
    },
    misses: {
      'a stream created': call('logs', 'CreateLogStream', {
        request: { logGroupName: '/aws/lambda/orders-api', logStreamName: '2026/11/02/[$LATEST]a1' }
      }),
      'a denied deletion': denied(call('logs', 'DeleteLogStream'))
    }
  },
  {
    rule: 'cloudwatch-log-retention-shortened',
    matches: {
      'retention of one day': call('logs', 'PutRetentionPolicy', {
        request: { logGroupName: '/vpc/flow-logs', retentionInDays: 1 }
      })
    },
    misses: {
      'retention of fourteen days': call('logs', 'PutRetentionPolicy', {
        request: { logGroupName: '/vpc/flow-logs', retentionInDays: 14 }
      }),
      'retention of thirty days': call('logs', 'PutRetentionPolicy', {
        request: { logGroupName: '/vpc/flow-logs', retentionInDays: 30 }
      }),
      'a denied attempt': denied(
        call('logs', 'PutRetentionPolicy', {
          request: { logGroupName: '/vpc/flow-logs', retentionInDays: 1 }
        })
      )
    }
  },
  {
    rule: 'cloudwatch-log-subscription-deleted',
    matches: {
      'a subscription filter deleted': call('logs', 'DeleteSubscriptionFilter', {
        request: { logGroupName: '/vpc/flow-logs', filterName: 'to-siem' }
      })
    },
    misses: {
      'a subscription filter created': call('logs', 'PutSubscriptionFilter', {
        request: { logGroupName: '/vpc/flow-logs', filterName: 'to-siem' }
      }),
      'a denied deletion': denied(call('logs', 'DeleteSubscriptionFilter'))
    }
  },
  {
    rule: 'cloudwatch-alarms-deleted-or-disabled',
    matches: {
      'alarms deleted': call('monitoring', 'DeleteAlarms', {
        request: { alarmNames: ['cis-4.5-cloudtrail-changes'] }
      }),
      'alarm actions disabled': call('monitoring', 'DisableAlarmActions', {
        request: { alarmNames: ['cis-4.5-cloudtrail-changes'] }
      })
    },
    misses: {
      'target-tracking alarms removed by Application Auto Scaling': by(
        call('monitoring', 'DeleteAlarms', {
          request: { alarmNames: ['TargetTracking-table/orders-AlarmHigh'] }
        }),
        through('application-autoscaling.amazonaws.com')
      ),
      'alarm actions enabled': call('monitoring', 'EnableAlarmActions', {
        request: { alarmNames: ['cis-4.5-cloudtrail-changes'] }
      })
    }
  },
  {
    rule: 'guardduty-disabled',
    matches: {
      'the detector deleted': guardduty('DeleteDetector'),
      'the detector disabled': guardduty('UpdateDetector', { enable: false }),
      'the account left its administrator': guardduty('DisassociateFromAdministratorAccount'),
      'the findings export deleted': guardduty('DeletePublishingDestination', {
        destinationId: 'a2b3c4'
      })
    },
    misses: {
      'the detector updated and still enabled': guardduty('UpdateDetector', {
        enable: true,
        findingPublishingFrequency: 'FIFTEEN_MINUTES'
      }),
      'a denied deletion': denied(guardduty('DeleteDetector'))
    }
  },
  {
    rule: 'guardduty-findings-suppressed',
    matches: {
      'an auto-archive filter': guardduty('CreateFilter', {
        name: 'quiet',
        action: 'ARCHIVE',
        findingCriteria: { criterion: { severity: { gte: 1 } } }
      }),
      'a trusted IP list': guardduty('CreateIPSet', {
        name: 'office',
        format: 'TXT',
        location: 's3://ip-lists/trusted.txt',
        activate: true
      })
    },
    misses: {
      'a filter that only shows findings': guardduty('CreateFilter', {
        name: 'high-only',
        action: 'NOOP',
        findingCriteria: { criterion: { severity: { gte: 7 } } }
      }),
      'a threat list': guardduty('CreateThreatIntelSet', {
        name: 'known-bad',
        format: 'TXT',
        location: 's3://ip-lists/bad.txt',
        activate: true
      }),
      'a denied trusted IP list': denied(guardduty('CreateIPSet', { activate: true }))
    }
  },
  {
    rule: 'securityhub-disabled',
    matches: {
      'Security Hub disabled': call('securityhub', 'DisableSecurityHub'),
      'a standard disabled': call('securityhub', 'BatchDisableStandards', {
        request: {
          StandardsSubscriptionArns: [
            `arn:aws:securityhub:eu-west-1:${ACCOUNT}:subscription/cis-aws-foundations-benchmark/v/1.4.0`
          ]
        }
      }),
      'member accounts removed': call('securityhub', 'DeleteMembers', {
        request: { AccountIds: ['444455556666'] }
      })
    },
    misses: {
      'GuardDuty members removed (another rule)': guardduty('DeleteMembers', {
        accountIds: ['444455556666']
      }),
      'a standard enabled': call('securityhub', 'BatchEnableStandards'),
      'a denied attempt': denied(call('securityhub', 'DisableSecurityHub'))
    }
  },
  {
    rule: 'securityhub-controls-disabled',
    matches: {
      'a control disabled': call('securityhub', 'UpdateStandardsControl', {
        request: {
          StandardsControlArn: `arn:aws:securityhub:eu-west-1:${ACCOUNT}:control/cis-aws-foundations-benchmark/v/1.4.0/4.3`,
          ControlStatus: 'DISABLED',
          DisabledReason: 'not used'
        }
      })
    },
    misses: {
      'a control enabled': call('securityhub', 'UpdateStandardsControl', {
        request: {
          StandardsControlArn: `arn:aws:securityhub:eu-west-1:${ACCOUNT}:control/cis-aws-foundations-benchmark/v/1.4.0/4.3`,
          ControlStatus: 'ENABLED'
        }
      })
    }
  },
  {
    rule: 'vpc-flow-logs-deleted',
    matches: {
      'flow logs deleted': call('ec2', 'DeleteFlowLogs', {
        request: {
          DeleteFlowLogsRequest: { FlowLogId: { content: 'fl-0e17aa62a21d4bbfe', tag: 1 } }
        }
      })
    },
    misses: {
      'flow logs created': call('ec2', 'CreateFlowLogs', {
        request: { CreateFlowLogsRequest: { ResourceId: { content: 'vpc-0a1b2c3d', tag: 1 } } }
      }),
      'a denied deletion': denied(call('ec2', 'DeleteFlowLogs'))
    }
  },
  {
    rule: 'route53-query-logging-deleted',
    matches: {
      'a resolver query log configuration deleted': call(
        'route53resolver',
        'DeleteResolverQueryLogConfig',
        { request: { resolverQueryLogConfigId: 'rqlc-4473f20ca554c07' } }
      ),
      'a VPC detached from query logging': call(
        'route53resolver',
        'DisassociateResolverQueryLogConfig',
        {
          request: { resolverQueryLogConfigId: 'rqlc-4473f20ca554c07', resourceId: 'vpc-0a1b2c3d' }
        }
      ),
      "a public zone's query logging deleted": call('route53', 'DeleteQueryLoggingConfig', {
        request: { id: '87654321-dcba-1234-abcd-1a2b3c4d5e6f' }
      })
    },
    misses: {
      'a resolver rule deleted': call('route53resolver', 'DeleteResolverRule', {
        request: { resolverRuleId: 'rslvr-rr-1a2b3c' }
      }),
      'a denied deletion': denied(call('route53resolver', 'DeleteResolverQueryLogConfig'))
    }
  },
  {
    rule: 'config-recorder-deleted',
    matches: {
      'the recorder deleted': call('config', 'DeleteConfigurationRecorder', {
        request: { configurationRecorderName: 'default' }
      })
    },
    misses: {
      'the recorder stopped (the CIS rule config-changes)': call(
        'config',
        'StopConfigurationRecorder',
        { request: { configurationRecorderName: 'default' } }
      ),
      'a denied deletion': denied(call('config', 'DeleteConfigurationRecorder'))
    }
  },
  {
    rule: 'config-rules-deleted',
    matches: {
      'a rule deleted': call('config', 'DeleteConfigRule', {
        request: { configRuleName: 's3-bucket-public-read-prohibited' }
      }),
      'a conformance pack deleted': call('config', 'DeleteConformancePack', {
        request: { conformancePackName: 'operational-best-practices' }
      })
    },
    misses: {
      'a rule Security Hub manages, removed by Security Hub': by(
        call('config', 'DeleteConfigRule', {
          request: { configRuleName: 'securityhub-s3-bucket-public-read-prohibited-a1b2c3' }
        }),
        through('securityhub.amazonaws.com')
      ),
      'a denied deletion': denied(call('config', 'DeleteConfigRule'))
    }
  },
  {
    rule: 'organizations-leave',
    matches: {
      'the account left': call('organizations', 'LeaveOrganization'),
      'a denied attempt counts too': denied(call('organizations', 'LeaveOrganization'))
    },
    misses: {
      'the organization described': call('organizations', 'DescribeOrganization'),
      'the management account removing a member': call(
        'organizations',
        'RemoveAccountFromOrganization',
        { request: { accountId: '444455556666' } }
      )
    }
  },
  {
    rule: 'bedrock-invocation-logging-deleted',
    matches: {
      'invocation logging deleted': call('bedrock', 'DeleteModelInvocationLoggingConfiguration')
    },
    misses: {
      'invocation logging configured': call('bedrock', 'PutModelInvocationLoggingConfiguration'),
      'a denied deletion': denied(call('bedrock', 'DeleteModelInvocationLoggingConfiguration'))
    }
  },
  {
    rule: 'bedrock-guardrail-deleted',
    matches: {
      'a guardrail deleted': call('bedrock', 'DeleteGuardrail', {
        request: { guardrailIdentifier: 'gr-0a1b2c3d4e5f' }
      })
    },
    misses: {
      'a guardrail updated': call('bedrock', 'UpdateGuardrail', {
        request: { guardrailIdentifier: 'gr-0a1b2c3d4e5f' }
      }),
      'a denied deletion': denied(call('bedrock', 'DeleteGuardrail'))
    }
  },
  {
    rule: 's3-access-logging-disabled',
    matches: {
      'logging status emptied': call('s3', 'PutBucketLogging', {
        request: {
          bucketName: 'orders-data',
          Host: 'orders-data.s3.eu-west-1.amazonaws.com',
          logging: '',
          BucketLoggingStatus: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' }
        }
      })
    },
    misses: {
      'logging enabled to a log bucket': call('s3', 'PutBucketLogging', {
        request: {
          bucketName: 'orders-data',
          Host: 'orders-data.s3.eu-west-1.amazonaws.com',
          logging: '',
          BucketLoggingStatus: {
            xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
            LoggingEnabled: { TargetBucket: 'org-access-logs', TargetPrefix: 'orders-data/' }
          }
        }
      }),
      'a denied attempt': denied(call('s3', 'PutBucketLogging', { request: { bucketName: 'b' } }))
    }
  },
  {
    rule: 'waf-protection-removed',
    matches: {
      'a web ACL deleted': call('wafv2', 'DeleteWebACL', {
        request: { name: 'edge', scope: 'CLOUDFRONT', id: 'a1b2c3', lockToken: 't1' }
      }),
      'WAF logging deleted': call('wafv2', 'DeleteLoggingConfiguration', {
        request: { resourceArn: `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/edge/a1b2c3` }
      })
    },
    misses: {
      'a web ACL removed by Firewall Manager': by(
        call('wafv2', 'DeleteWebACL', { request: { name: 'FMManagedWebACLV2-edge' } }),
        awsService('fms.amazonaws.com')
      ),
      'an IP set updated': call('wafv2', 'UpdateIPSet', { request: { name: 'blocked' } })
    }
  },
  {
    rule: 'iam-mfa-device-deactivated',
    matches: {
      'an MFA device deactivated': call('iam', 'DeactivateMFADevice', {
        request: { userName: 'alice', serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice` }
      })
    },
    misses: {
      'an MFA device enabled': call('iam', 'EnableMFADevice', {
        request: { userName: 'alice', serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice` }
      }),
      'a denied attempt': denied(call('iam', 'DeactivateMFADevice'))
    }
  },
  {
    rule: 'ec2-image-snapshot-public-access-unblocked',
    matches: {
      'image public access unblocked': call('ec2', 'DisableImageBlockPublicAccess'),
      'snapshot public access unblocked': call('ec2', 'DisableSnapshotBlockPublicAccess')
    },
    misses: {
      'image public access blocked': call('ec2', 'EnableImageBlockPublicAccess', {
        request: { ImageBlockPublicAccessState: 'block-new-sharing' }
      }),
      'a denied attempt': denied(call('ec2', 'DisableImageBlockPublicAccess'))
    }
  },
  {
    rule: 's3-public-access-block-removed',
    matches: {
      "a bucket's block deleted": call('s3', 'DeleteBucketPublicAccessBlock', {
        request: { bucketName: 'orders-data', publicAccessBlock: '' }
      }),
      "the account's block deleted": call('s3', 'DeleteAccountPublicAccessBlock', {
        request: { accountId: ACCOUNT }
      }),
      'a setting turned off': call('s3', 'PutBucketPublicAccessBlock', {
        request: {
          bucketName: 'orders-data',
          publicAccessBlock: '',
          PublicAccessBlockConfiguration: {
            xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: false,
            RestrictPublicBuckets: true
          }
        }
      })
    },
    misses: {
      'every setting on': byTerraform(
        call('s3', 'PutBucketPublicAccessBlock', {
          request: {
            bucketName: 'orders-data',
            publicAccessBlock: '',
            PublicAccessBlockConfiguration: {
              xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
              BlockPublicAcls: true,
              IgnorePublicAcls: true,
              BlockPublicPolicy: true,
              RestrictPublicBuckets: true
            }
          }
        })
      ),
      'a denied deletion': denied(call('s3', 'DeleteBucketPublicAccessBlock'))
    }
  }
]
