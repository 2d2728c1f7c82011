import {
  ACCOUNT,
  OTHER_ACCOUNT,
  assumedRole,
  awsService,
  by,
  byTerraform,
  call,
  denied,
  failed,
  through,
  type JsonObject
} from '../records.js'
import type { RuleCases } from './rule-cases.js'

const GROUP = 'sg-003dc7f1f1c686164'
/** An ingress rule in the shape of the EC2 API's IpPermissions (what SDKs and Terraform send). */
const ingress = (
  fromPort: number,
  toPort: number,
  cidrIp: string,
  ipProtocol = 'tcp'
): JsonObject =>
  call('ec2', 'AuthorizeSecurityGroupIngress', {
    request: {
      groupId: GROUP,
      ipPermissions: {
        items: [
          {
            ipProtocol,
            fromPort,
            toPort,
            groups: {},
            ipRanges: { items: [{ cidrIp }] },
            ipv6Ranges: {},
            prefixListIds: {}
          }
        ]
      }
    }
  })
/** An ingress rule in the older flat shape (what the CLI's --port and --cidr send). */
const flatIngress = (port: number, cidrIp: string): JsonObject =>
  call('ec2', 'AuthorizeSecurityGroupIngress', {
    request: {
      groupId: GROUP,
      ipPermissions: {},
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      cidrIp
    }
  })

const bucketPolicy = (statements: JsonObject[]): JsonObject =>
  call('s3', 'PutBucketPolicy', {
    request: {
      bucketName: 'orders-data',
      Host: 'orders-data.s3.eu-west-1.amazonaws.com',
      policy: '',
      bucketPolicy: { Version: '2012-10-17', Statement: statements }
    }
  })
const read = { Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::orders-data/*' }

const deleteVersion = (versionId: string | undefined): JsonObject =>
  call('s3', 'DeleteObject', {
    request: {
      bucketName: 'orders-data',
      Host: 'orders-data.s3.eu-west-1.amazonaws.com',
      key: 'invoices/2026-11.csv',
      ...(versionId === undefined ? {} : { versionId }),
      'x-id': 'DeleteObject'
    },
    fields: { eventCategory: 'Data', managementEvent: false }
  })
const copyObject = (encryption: JsonObject): JsonObject =>
  call('s3', 'CopyObject', {
    request: {
      bucketName: 'orders-data',
      Host: 'orders-data.s3.eu-west-1.amazonaws.com',
      key: 'invoices/2026-11.csv',
      'x-amz-copy-source': 'orders-data/invoices/2026-11.csv',
      'x-id': 'CopyObject',
      ...encryption
    },
    fields: { eventCategory: 'Data', managementEvent: false }
  })
const invokeModel = (): JsonObject =>
  call('bedrock', 'InvokeModel', {
    identity: assumedRole('chat-api', 'chat-api-task'),
    request: { modelId: 'anthropic.claude-3-sonnet-20240229-v1:0' },
    fields: { readOnly: true }
  })

export const EXFILTRATION_IMPACT_CASES: readonly RuleCases[] = [
  {
    rule: 'ec2-security-group-admin-port-open',
    matches: {
      'SSH open to the internet': ingress(22, 22, '0.0.0.0/0'),
      'RDP open to the internet, flat request': flatIngress(3389, '0.0.0.0/0'),
      'all traffic open to the internet': ingress(-1, -1, '0.0.0.0/0', '-1'),
      'every port open to the internet': ingress(0, 65535, '0.0.0.0/0')
    },
    misses: {
      'SSH open to the office': ingress(22, 22, '198.51.100.0/24'),
      'HTTPS open to the internet (the other rule)': ingress(443, 443, '0.0.0.0/0'),
      'SSH open to the internet, denied': denied(ingress(22, 22, '0.0.0.0/0'))
    }
  },
  {
    rule: 'ec2-security-group-open-to-internet',
    matches: {
      'PostgreSQL open to the internet': ingress(5432, 5432, '0.0.0.0/0'),
      'HTTPS open to the internet, by Terraform': byTerraform(ingress(443, 443, '0.0.0.0/0'))
    },
    misses: {
      'SSH open to the internet (the admin-port rule)': ingress(22, 22, '0.0.0.0/0'),
      'a port open to the VPC': ingress(5432, 5432, '10.0.0.0/16'),
      'opened by Elastic Load Balancing': by(
        ingress(443, 443, '0.0.0.0/0'),
        through('elasticloadbalancing.amazonaws.com')
      )
    }
  },
  {
    rule: 'ec2-ami-shared',
    matches: {
      'shared with an account': call('ec2', 'ModifyImageAttribute', {
        request: {
          imageId: 'ami-0aa1d83d0b0985c86',
          attributeType: 'launchPermission',
          launchPermission: { add: { items: [{ userId: OTHER_ACCOUNT }] } }
        }
      }),
      'made public': call('ec2', 'ModifyImageAttribute', {
        request: {
          imageId: 'ami-0aa1d83d0b0985c86',
          attributeType: 'launchPermission',
          launchPermission: { add: { items: [{ group: 'all' }] } }
        }
      })
    },
    misses: {
      'sharing removed': call('ec2', 'ModifyImageAttribute', {
        request: {
          imageId: 'ami-0aa1d83d0b0985c86',
          attributeType: 'launchPermission',
          launchPermission: { remove: { items: [{ userId: OTHER_ACCOUNT }] } }
        }
      }),
      'the description changed': call('ec2', 'ModifyImageAttribute', {
        request: { imageId: 'ami-0aa1d83d0b0985c86', description: { value: 'golden image' } }
      })
    }
  },
  {
    rule: 'ec2-snapshot-shared',
    matches: {
      'shared with an account': call('ec2', 'ModifySnapshotAttribute', {
        request: {
          snapshotId: 'snap-041993b54a9b3af6f',
          attributeType: 'CREATE_VOLUME_PERMISSION',
          createVolumePermission: { add: { items: [{ userId: OTHER_ACCOUNT }] } }
        }
      })
    },
    misses: {
      'sharing removed': call('ec2', 'ModifySnapshotAttribute', {
        request: {
          snapshotId: 'snap-041993b54a9b3af6f',
          attributeType: 'CREATE_VOLUME_PERMISSION',
          createVolumePermission: { remove: { items: [{ userId: OTHER_ACCOUNT }] } }
        }
      }),
      'a denied share': denied(
        call('ec2', 'ModifySnapshotAttribute', {
          request: { createVolumePermission: { add: { items: [{ group: 'all' }] } } }
        })
      )
    }
  },
  {
    rule: 'rds-snapshot-shared',
    matches: {
      'a DB snapshot shared with an account': call('rds', 'ModifyDBSnapshotAttribute', {
        request: {
          dBSnapshotIdentifier: 'orders-nightly',
          attributeName: 'restore',
          valuesToAdd: [OTHER_ACCOUNT]
        }
      }),
      'a cluster snapshot made public': call('rds', 'ModifyDBClusterSnapshotAttribute', {
        request: {
          dBClusterSnapshotIdentifier: 'orders-nightly',
          attributeName: 'restore',
          valuesToAdd: ['all']
        }
      })
    },
    misses: {
      'sharing removed': call('rds', 'ModifyDBSnapshotAttribute', {
        request: {
          dBSnapshotIdentifier: 'orders-nightly',
          attributeName: 'restore',
          valuesToRemove: [OTHER_ACCOUNT]
        }
      }),
      'an empty list of accounts to add': call('rds', 'ModifyDBSnapshotAttribute', {
        request: {
          dBSnapshotIdentifier: 'orders-nightly',
          attributeName: 'restore',
          valuesToAdd: [],
          valuesToRemove: [OTHER_ACCOUNT]
        }
      })
    }
  },
  {
    rule: 's3-bucket-policy-grants-account',
    matches: {
      "another account's root": bucketPolicy([
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, ...read }
      ]),
      'a bare account id': bucketPolicy([
        { Effect: 'Allow', Principal: { AWS: OTHER_ACCOUNT }, ...read }
      ])
    },
    misses: {
      'a role of the account': bucketPolicy([
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/reporting` }, ...read }
      ]),
      'CloudFront through origin access control': bucketPolicy([
        { Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, ...read }
      ]),
      'a denied attempt': denied(
        bucketPolicy([{ Effect: 'Allow', Principal: { AWS: OTHER_ACCOUNT }, ...read }])
      )
    }
  },
  {
    rule: 's3-bucket-policy-public',
    matches: {
      'everyone may read': bucketPolicy([
        { Sid: 'Public', Effect: 'Allow', Principal: '*', ...read }
      ]),
      'every AWS principal may read, principal first': bucketPolicy([
        { Principal: { AWS: '*' }, Effect: 'Allow', ...read }
      ])
    },
    misses: {
      'everyone denied without TLS': bucketPolicy([
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: 'arn:aws:s3:::orders-data/*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } }
        }
      ]),
      'everyone in the organization may read': bucketPolicy([
        {
          Effect: 'Allow',
          Principal: '*',
          ...read,
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }
        }
      ])
    }
  },
  {
    rule: 's3-bucket-acl-public',
    matches: {
      'a public-read canned ACL': call('s3', 'PutBucketAcl', {
        request: { bucketName: 'orders-data', acl: '', 'x-amz-acl': ['public-read'] }
      }),
      'a grant to all users': call('s3', 'PutObjectAcl', {
        request: {
          bucketName: 'orders-data',
          key: 'report.pdf',
          acl: '',
          AccessControlPolicy: {
            AccessControlList: {
              Grant: {
                Grantee: { URI: 'http://acs.amazonaws.com/groups/global/AllUsers' },
                Permission: 'READ'
              }
            }
          }
        }
      })
    },
    misses: {
      'a private canned ACL': call('s3', 'PutBucketAcl', {
        request: { bucketName: 'orders-data', acl: '', 'x-amz-acl': 'private' }
      }),
      'a grant to the log delivery group': call('s3', 'PutBucketAcl', {
        request: {
          bucketName: 'org-access-logs',
          acl: '',
          AccessControlPolicy: {
            AccessControlList: {
              Grant: {
                Grantee: { URI: 'http://acs.amazonaws.com/groups/s3/LogDelivery' },
                Permission: 'WRITE'
              }
            }
          }
        }
      })
    }
  },
  {
    rule: 'data-export-task-started',
    matches: {
      'an instance exported': call('ec2', 'CreateInstanceExportTask', {
        request: {
          instanceId: 'i-0123456789abcdef0',
          targetEnvironment: 'vmware',
          exportToS3: { containerFormat: 'ova', diskImageFormat: 'VMDK', s3Bucket: 'exports' }
        }
      }),
      'an RDS snapshot exported': call('rds', 'StartExportTask', {
        request: { exportTaskIdentifier: 'orders', s3BucketName: 'exports' }
      })
    },
    misses: {
      'export tasks described': call('rds', 'DescribeExportTasks'),
      'a denied export': denied(call('ec2', 'CreateInstanceExportTask'))
    }
  },
  {
    rule: 'bedrock-model-invoked',
    matches: {
      'a model invoked': invokeModel(),
      'a conversation': call('bedrock', 'Converse', {
        identity: assumedRole('chat-api', 'chat-api-task'),
        request: { modelId: 'amazon.nova-pro-v1:0' }
      })
    },
    misses: {
      'a failed invocation (the probe rule)': failed(invokeModel(), 'ValidationException'),
      'models listed': call('bedrock', 'ListFoundationModels')
    }
  },
  {
    rule: 'bedrock-model-access-enabled',
    matches: {
      'a model agreement accepted': call('bedrock', 'CreateFoundationModelAgreement', {
        identity: assumedRole('ml-admin', 'alice'),
        request: { modelId: 'anthropic.claude-3-sonnet-20240229-v1:0', offerToken: 'token' }
      }),
      'a use case submitted': call('bedrock', 'PutUseCaseForModelAccess')
    },
    misses: {
      'model availability looked up': call('bedrock', 'GetFoundationModelAvailability', {
        request: { modelId: 'anthropic.claude-3-sonnet-20240229-v1:0' }
      }),
      'a denied request': denied(call('bedrock', 'PutUseCaseForModelAccess'))
    }
  },
  {
    rule: 's3-object-versions-deleted-burst',
    matches: {
      'a version deleted': deleteVersion('3HL4kqtJlcpXroDTDmjVBH40Nrjfkd')
    },
    misses: {
      'an object deleted without a version (a delete marker)': deleteVersion(undefined),
      'a version deleted by S3 replication': by(
        deleteVersion('3HL4kqtJlcpXroDTDmjVBH40Nrjfkd'),
        awsService('s3.amazonaws.com')
      ),
      'a denied version deletion': denied(deleteVersion('3HL4kqtJlcpXroDTDmjVBH40Nrjfkd'))
    }
  },
  {
    rule: 's3-objects-batch-deleted',
    matches: {
      'objects deleted in a batch': call('s3', 'DeleteObjects', {
        request: { bucketName: 'orders-data', delete: '', 'x-id': 'DeleteObjects' },
        fields: { eventCategory: 'Data', managementEvent: false }
      })
    },
    misses: {
      'one object deleted': deleteVersion(undefined),
      'a denied batch': denied(call('s3', 'DeleteObjects', { request: { bucketName: 'b' } }))
    }
  },
  {
    rule: 's3-objects-encrypted-with-customer-key',
    matches: {
      'an object rewritten with a customer key': copyObject({
        'x-amz-server-side-encryption-customer-algorithm': 'AES256'
      })
    },
    misses: {
      'an object rewritten with a KMS key': copyObject({
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1a2b`
      }),
      'a denied rewrite': denied(
        copyObject({ 'x-amz-server-side-encryption-customer-algorithm': 'AES256' })
      )
    }
  },
  {
    rule: 'ec2-ami-deregistered',
    matches: {
      'an AMI deregistered': call('ec2', 'DeregisterImage', {
        request: { imageId: 'ami-0b87ea1d007078d18', deleteAssociatedSnapshots: false }
      })
    },
    misses: {
      'deregistered by EC2 Image Builder': by(
        call('ec2', 'DeregisterImage', { request: { imageId: 'ami-0b87ea1d007078d18' } }),
        through('imagebuilder.amazonaws.com')
      ),
      'an AMI registered': call('ec2', 'RegisterImage', { request: { name: 'golden' } })
    }
  }
]
