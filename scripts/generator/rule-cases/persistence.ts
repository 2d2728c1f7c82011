import {
  ACCOUNT,
  OTHER_ACCOUNT,
  assumedRole,
  awsService,
  by,
  byTerraform,
  call,
  denied,
  iamUser,
  through,
  type Json,
  type JsonObject
} from '../records.js'
import type { RuleCases } from './rule-cases.js'

const FUNCTION = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:orders-api`
const trust = (principal: Json): string =>
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }]
    },
    null,
    2
  )
const adminDocument = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }]
})
const readOnlyDocument = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' }]
})
const cloudformation = (): JsonObject => through('cloudformation.amazonaws.com')

export const PERSISTENCE_CASES: readonly RuleCases[] = [
  {
    rule: 'iam-access-key-created-for-user',
    matches: {
      'a key for a named user': call('iam', 'CreateAccessKey', {
        request: { userName: 'deploy-bot' },
        response: {
          accessKey: {
            accessKeyId: 'AKIAEXAMPLENEWKEY001',
            status: 'Active',
            userName: 'deploy-bot',
            createDate: 'Nov 2, 2026, 9:15:00 AM'
          }
        }
      }),
      'a key created from a role session': call('iam', 'CreateAccessKey', {
        identity: assumedRole('Admin', 'mallory'),
        request: { userName: 'alice' }
      })
    },
    misses: {
      'a user rotating their own key': call('iam', 'CreateAccessKey', { request: null }),
      'a key created by a CloudFormation stack': call('iam', 'CreateAccessKey', {
        identity: cloudformation(),
        request: { userName: 'deploy-bot' }
      }),
      'a denied attempt': denied(call('iam', 'CreateAccessKey', { request: { userName: 'alice' } }))
    }
  },
  {
    rule: 'iam-login-profile-created',
    matches: {
      'a password given to a user': call('iam', 'CreateLoginProfile', {
        request: { userName: 'deploy-bot', passwordResetRequired: false }
      })
    },
    misses: {
      'a password given by a CloudFormation stack': call('iam', 'CreateLoginProfile', {
        identity: cloudformation(),
        request: { userName: 'new-hire' }
      }),
      'a denied attempt': denied(call('iam', 'CreateLoginProfile', { request: { userName: 'x' } })),
      "a user's password read": call('iam', 'GetLoginProfile', { request: { userName: 'alice' } })
    }
  },
  {
    rule: 'iam-user-password-reset',
    matches: {
      "another user's password reset": call('iam', 'UpdateLoginProfile', {
        request: { userName: 'bob' }
      })
    },
    misses: {
      'a user changing their own password': call('iam', 'ChangePassword'),
      'a denied reset': denied(call('iam', 'UpdateLoginProfile', { request: { userName: 'bob' } }))
    }
  },
  {
    rule: 'iam-admin-permissions-granted',
    matches: {
      'AdministratorAccess attached to a user': call('iam', 'AttachUserPolicy', {
        request: {
          userName: 'deploy-bot',
          policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess'
        }
      }),
      'IAMFullAccess attached to a role': call('iam', 'AttachRolePolicy', {
        request: { roleName: 'ci', policyArn: 'arn:aws:iam::aws:policy/IAMFullAccess' }
      }),
      'an inline policy allowing everything': call('iam', 'PutRolePolicy', {
        request: { roleName: 'ci', policyName: 'all', policyDocument: adminDocument }
      }),
      'a new default version allowing everything': call('iam', 'CreatePolicyVersion', {
        request: {
          policyArn: `arn:aws:iam::${ACCOUNT}:policy/app`,
          policyDocument: adminDocument,
          setAsDefault: true
        }
      })
    },
    misses: {
      'a read-only managed policy attached': byTerraform(
        call('iam', 'AttachRolePolicy', {
          request: { roleName: 'ci', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }
        })
      ),
      'a customer policy named like the AWS one': call('iam', 'AttachRolePolicy', {
        request: {
          roleName: 'ci',
          policyArn: `arn:aws:iam::${ACCOUNT}:policy/AdministratorAccessBoundary`
        }
      }),
      'an inline policy with a narrow action': call('iam', 'PutUserPolicy', {
        request: { userName: 'alice', policyName: 'read', policyDocument: readOnlyDocument }
      }),
      'a version that is not made the default': call('iam', 'CreatePolicyVersion', {
        request: {
          policyArn: `arn:aws:iam::${ACCOUNT}:policy/app`,
          policyDocument: adminDocument,
          setAsDefault: false
        }
      }),
      'a denied attach': denied(
        call('iam', 'AttachUserPolicy', {
          request: { userName: 'x', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }
        })
      )
    }
  },
  {
    rule: 'iam-user-created',
    matches: {
      'a user created': call('iam', 'CreateUser', { request: { userName: 'backup-admin' } })
    },
    misses: {
      'a user created by a CloudFormation stack': call('iam', 'CreateUser', {
        identity: cloudformation(),
        request: { userName: 'app-user' }
      }),
      'a denied attempt': denied(call('iam', 'CreateUser', { request: { userName: 'x' } })),
      'a group created': call('iam', 'CreateGroup', { request: { groupName: 'readers' } })
    }
  },
  {
    rule: 'iam-role-trust-policy-opened',
    matches: {
      'another account added to the trust': call('iam', 'UpdateAssumeRolePolicy', {
        request: {
          roleName: 'Admin',
          policyDocument: trust({ AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` })
        }
      }),
      'anyone allowed to assume': call('iam', 'UpdateAssumeRolePolicy', {
        request: { roleName: 'Admin', policyDocument: trust('*') }
      })
    },
    misses: {
      'a service trust': call('iam', 'UpdateAssumeRolePolicy', {
        request: { roleName: 'web', policyDocument: trust({ Service: 'ec2.amazonaws.com' }) }
      }),
      'a trust in GitHub OIDC': call('iam', 'UpdateAssumeRolePolicy', {
        request: {
          roleName: 'ci',
          policyDocument: trust({
            Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`
          })
        }
      }),
      'a denied attempt': denied(
        call('iam', 'UpdateAssumeRolePolicy', {
          request: { roleName: 'Admin', policyDocument: trust({ AWS: OTHER_ACCOUNT }) }
        })
      )
    }
  },
  {
    rule: 'iam-role-created-with-aws-trust',
    matches: {
      'a role trusting another account': call('iam', 'CreateRole', {
        request: {
          roleName: 'vendor-audit',
          assumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` })
        }
      })
    },
    misses: {
      'a role for Lambda': call('iam', 'CreateRole', {
        request: {
          roleName: 'orders-api',
          assumeRolePolicyDocument: trust({ Service: 'lambda.amazonaws.com' })
        }
      }),
      'a cross-account role from a CloudFormation stack': call('iam', 'CreateRole', {
        identity: cloudformation(),
        request: {
          roleName: 'vendor-audit',
          assumeRolePolicyDocument: trust({ AWS: OTHER_ACCOUNT })
        }
      })
    }
  },
  {
    rule: 'rolesanywhere-trust-anchor-changed',
    matches: {
      'a trust anchor created': call('rolesanywhere', 'CreateTrustAnchor', {
        request: {
          name: 'partner-ca',
          enabled: true,
          source: {
            sourceType: 'CERTIFICATE_BUNDLE',
            sourceData: {
              x509CertificateData: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'
            }
          }
        }
      })
    },
    misses: {
      'a profile created': call('rolesanywhere', 'CreateProfile', {
        request: { name: 'partner', roleArns: [`arn:aws:iam::${ACCOUNT}:role/partner`] }
      }),
      'a denied trust anchor': denied(call('rolesanywhere', 'CreateTrustAnchor'))
    }
  },
  {
    rule: 'sts-federation-token-issued',
    matches: {
      'a federation token': call('sts', 'GetFederationToken', {
        request: { name: 'ops', durationSeconds: 129600 }
      })
    },
    misses: {
      'a session token': call('sts', 'GetSessionToken', { request: { durationSeconds: 3600 } }),
      'a denied federation token': denied(call('sts', 'GetFederationToken'))
    }
  },
  {
    rule: 'iam-identity-provider-changed',
    matches: {
      'SAML metadata replaced': call('iam', 'UpdateSAMLProvider', {
        request: {
          sAMLProviderArn: `arn:aws:iam::${ACCOUNT}:saml-provider/okta`,
          sAMLMetadataDocument: '<md:EntityDescriptor/>'
        }
      }),
      'an OIDC provider created': call('iam', 'CreateOpenIDConnectProvider', {
        request: {
          url: 'https://token.actions.githubusercontent.com',
          clientIDList: ['sts.amazonaws.com']
        }
      })
    },
    misses: {
      'an OIDC provider deleted': call('iam', 'DeleteOpenIDConnectProvider'),
      'a denied update': denied(call('iam', 'UpdateSAMLProvider'))
    }
  },
  {
    rule: 'lambda-function-made-public',
    matches: {
      'invocation allowed to everyone': call('lambda', 'AddPermission20150331v2', {
        request: {
          functionName: 'orders-api',
          statementId: 'open',
          action: 'lambda:InvokeFunction',
          principal: '*'
        }
      }),
      'a function URL without authentication': call('lambda', 'CreateFunctionUrlConfig', {
        request: { functionName: 'orders-api', authType: 'NONE' }
      })
    },
    misses: {
      'invocation allowed to S3': call('lambda', 'AddPermission20150331v2', {
        request: {
          functionName: 'orders-api',
          statementId: 's3',
          action: 'lambda:InvokeFunction',
          principal: 's3.amazonaws.com'
        }
      }),
      'a function URL with IAM authentication': call('lambda', 'CreateFunctionUrlConfig', {
        request: { functionName: 'orders-api', authType: 'AWS_IAM' }
      }),
      'a denied attempt': denied(
        call('lambda', 'AddPermission20150331v2', {
          request: { functionName: 'orders-api', principal: '*' }
        })
      )
    }
  },
  {
    rule: 'lambda-layer-attached',
    matches: {
      'layers set on a function': call('lambda', 'UpdateFunctionConfiguration20150331v2', {
        request: {
          functionName: FUNCTION,
          layers: [`arn:aws:lambda:eu-west-1:${OTHER_ACCOUNT}:layer:extension:1`]
        }
      })
    },
    misses: {
      "a function's memory changed": call('lambda', 'UpdateFunctionConfiguration20150331v2', {
        request: { functionName: FUNCTION, memorySize: 512 }
      }),
      'layers set by a CloudFormation stack': call(
        'lambda',
        'UpdateFunctionConfiguration20150331v2',
        {
          identity: cloudformation(),
          request: {
            functionName: FUNCTION,
            layers: [`arn:aws:lambda:eu-west-1:${ACCOUNT}:layer:x:3`]
          }
        }
      )
    }
  },
  {
    rule: 'lambda-code-updated',
    matches: {
      "a function's code replaced": call('lambda', 'UpdateFunctionCode20150331v2', {
        request: { functionName: FUNCTION, publish: true, dryRun: false }
      })
    },
    misses: {
      'code replaced by a CloudFormation stack': call('lambda', 'UpdateFunctionCode20150331v2', {
        identity: cloudformation(),
        request: { functionName: FUNCTION }
      }),
      'a denied replacement': denied(call('lambda', 'UpdateFunctionCode20150331v2'))
    }
  },
  {
    rule: 'ec2-key-pair-known-bad-name',
    matches: {
      'a key pair named xg1': call('ec2', 'CreateKeyPair', {
        request: { keyName: 'xg1', keyFormat: 'pem' }
      }),
      'a key imported as temp_key_pair': call('ec2', 'ImportKeyPair', {
        request: { keyName: 'temp_key_pair' }
      })
    },
    misses: {
      'a key pair with a team name': call('ec2', 'CreateKeyPair', {
        request: { keyName: 'orders-bastion', keyFormat: 'pem' }
      }),
      'a denied attempt': denied(call('ec2', 'CreateKeyPair', { request: { keyName: 'xg1' } }))
    }
  },
  {
    rule: 'eks-cluster-admin-access-granted',
    matches: {
      'cluster admin policy associated': call('eks', 'AssociateAccessPolicy', {
        request: {
          name: 'prod',
          principalArn: `arn:aws:iam::${ACCOUNT}:role/mallory`,
          policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
          accessScope: { type: 'cluster' }
        }
      }),
      'an access entry in system:masters': call('eks', 'CreateAccessEntry', {
        request: {
          name: 'prod',
          principalArn: `arn:aws:iam::${ACCOUNT}:role/mallory`,
          kubernetesGroups: ['system:masters']
        }
      })
    },
    misses: {
      'view policy associated': call('eks', 'AssociateAccessPolicy', {
        request: {
          name: 'prod',
          principalArn: `arn:aws:iam::${ACCOUNT}:role/auditor`,
          policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
          accessScope: { type: 'cluster' }
        }
      }),
      'an access entry without groups': call('eks', 'CreateAccessEntry', {
        request: { name: 'prod', principalArn: `arn:aws:iam::${ACCOUNT}:role/nodes` }
      })
    }
  },
  {
    rule: 'iam-permissions-boundary-removed',
    matches: {
      "a role's boundary removed": call('iam', 'DeleteRolePermissionsBoundary', {
        request: { roleName: 'delegated-admin' }
      })
    },
    misses: {
      "a role's boundary set": call('iam', 'PutRolePermissionsBoundary', {
        request: {
          roleName: 'delegated-admin',
          permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/boundary`
        }
      }),
      'a denied removal': denied(call('iam', 'DeleteUserPermissionsBoundary'))
    }
  },
  {
    rule: 'iam-policy-default-version-changed',
    matches: {
      'a default version set': call('iam', 'SetDefaultPolicyVersion', {
        request: { policyArn: `arn:aws:iam::${ACCOUNT}:policy/app`, versionId: 'v2' }
      })
    },
    misses: {
      'a version deleted': call('iam', 'DeletePolicyVersion', {
        request: { policyArn: `arn:aws:iam::${ACCOUNT}:policy/app`, versionId: 'v1' }
      }),
      'a denied attempt': denied(call('iam', 'SetDefaultPolicyVersion'))
    }
  },
  {
    rule: 'ec2-instance-profile-changed',
    matches: {
      "an instance's profile replaced": call('ec2', 'ReplaceIamInstanceProfileAssociation', {
        request: {
          ReplaceIamInstanceProfileAssociationRequest: {
            AssociationId: 'iip-assoc-060bae234aac2e7fa',
            IamInstanceProfile: { Name: 'admin' }
          }
        }
      })
    },
    misses: {
      'associations described': call('ec2', 'DescribeIamInstanceProfileAssociations'),
      'a profile attached by EC2 Auto Scaling': by(
        call('ec2', 'AssociateIamInstanceProfile'),
        awsService('autoscaling.amazonaws.com')
      )
    }
  },
  {
    rule: 'identity-center-account-assignment',
    matches: {
      'a permission set assigned': call('sso', 'CreateAccountAssignment', {
        identity: assumedRole(
          'AWSReservedSSO_AdministratorAccess_0123456789abcdef',
          'admin@example.com'
        ),
        request: {
          instanceArn: 'arn:aws:sso:::instance/ssoins-66846d02039d7f57',
          targetId: ACCOUNT,
          targetType: 'AWS_ACCOUNT',
          permissionSetArn:
            'arn:aws:sso:::permissionSet/ssoins-66846d02039d7f57/ps-cc3ba8d6d6642c51',
          principalType: 'USER',
          principalId: '9067e3c5-1081-70a1-0a3a-e417bf7fd8ff'
        }
      })
    },
    misses: {
      'an assignment removed': call('sso', 'DeleteAccountAssignment'),
      'a denied assignment': denied(call('sso', 'CreateAccountAssignment', { identity: iamUser() }))
    }
  }
]
