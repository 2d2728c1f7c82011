import {
  assumedRole,
  awsService,
  by,
  call,
  denied,
  failed,
  fromConsole,
  instanceRole,
  through,
  type JsonObject
} from '../records.js'
import type { RuleCases } from './rule-cases.js'

const INSTANCE = 'i-0123456789abcdef0'
const instanceAttribute = (attribute: string): JsonObject =>
  call('ec2', 'DescribeInstanceAttribute', {
    request: { instanceId: INSTANCE, attribute },
    fields: { readOnly: true }
  })
const runInstances = (instanceType: string): JsonObject =>
  call('ec2', 'RunInstances', {
    request: {
      instancesSet: { items: [{ imageId: 'ami-0a1b2c3d4e5f67890', minCount: 1, maxCount: 10 }] },
      instanceType,
      blockDeviceMapping: {},
      monitoring: { enabled: false },
      subnetId: 'subnet-0e540f0c7ffb48ae9',
      disableApiTermination: false,
      disableApiStop: false,
      clientToken: '5dd59182-3917-421c-9b2c-7c92954b66ee'
    }
  })
const invokeModel = (modelId = 'anthropic.claude-3-sonnet-20240229-v1:0'): JsonObject =>
  call('bedrock', 'InvokeModel', {
    identity: assumedRole('chat-api', 'chat-api-task'),
    request: { modelId },
    fields: { readOnly: true }
  })

export const DISCOVERY_EXECUTION_CASES: readonly RuleCases[] = [
  {
    rule: 'ec2-user-data-read-burst',
    matches: {
      "an instance's user data read": instanceAttribute('userData'),
      'a denied read counts too': denied(instanceAttribute('userData'))
    },
    misses: {
      "an instance's termination protection read": instanceAttribute('disableApiTermination'),
      'read by an AWS service': by(instanceAttribute('userData'), awsService('ssm.amazonaws.com'))
    }
  },
  {
    rule: 'ec2-instance-role-discovery',
    matches: {
      'instance credentials listing IAM users': call('iam', 'ListUsers', {
        identity: instanceRole()
      }),
      'instance credentials downloading the IAM configuration': call(
        'iam',
        'GetAccountAuthorizationDetails',
        { identity: instanceRole() }
      ),
      'instance credentials looking for GuardDuty': call('guardduty', 'ListDetectors', {
        identity: instanceRole()
      })
    },
    misses: {
      'a person listing IAM users': call('iam', 'ListUsers', {
        identity: assumedRole('Admin', 'alice')
      }),
      'instance credentials describing instances': call('ec2', 'DescribeInstances', {
        identity: instanceRole()
      })
    }
  },
  {
    rule: 'iam-authorization-details-read',
    matches: {
      'the IAM configuration downloaded': call('iam', 'GetAccountAuthorizationDetails', {
        request: { filter: ['User', 'Role', 'Group', 'LocalManagedPolicy'] },
        fields: { readOnly: true }
      })
    },
    misses: {
      'a denied download': denied(call('iam', 'GetAccountAuthorizationDetails')),
      'read by IAM Access Analyzer': by(
        call('iam', 'GetAccountAuthorizationDetails'),
        through('access-analyzer.amazonaws.com')
      ),
      'the account summary read': call('iam', 'GetAccountSummary')
    }
  },
  {
    rule: 'ses-sending-capability-probed',
    matches: {
      'the sending quota read': call('ses', 'GetSendQuota', { fields: { readOnly: true } }),
      'whether sending is enabled, denied': denied(call('ses', 'GetAccountSendingEnabled'))
    },
    misses: {
      'the quota read by the SES console': fromConsole(
        call('ses', 'GetSendQuota', { identity: assumedRole('Admin', 'alice') })
      ),
      'an email sent': call('ses', 'SendEmail')
    }
  },
  {
    rule: 'bedrock-model-probe',
    matches: {
      'an invocation rejected as invalid': failed(invokeModel(), 'ValidationException'),
      'an invocation denied': denied(invokeModel())
    },
    misses: {
      'a successful invocation': invokeModel(),
      'a failed model listing': failed(
        call('bedrock', 'ListFoundationModels'),
        'ThrottlingException'
      )
    }
  },
  {
    rule: 'ssm-send-command',
    matches: {
      'a shell command sent': call('ssm', 'SendCommand', {
        request: {
          instanceIds: [INSTANCE, 'i-0fedcba9876543210'],
          documentName: 'AWS-RunShellScript',
          parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
          interactive: false
        }
      })
    },
    misses: {
      'a command sent by State Manager': by(
        call('ssm', 'SendCommand', { request: { documentName: 'AWS-RunPatchBaseline' } }),
        through('ssm.amazonaws.com')
      ),
      'a rejected command': failed(
        call('ssm', 'SendCommand', { request: { instanceIds: [INSTANCE] } }),
        'InvalidInstanceId'
      )
    }
  },
  {
    rule: 'ssm-start-session',
    matches: {
      'a session started': call('ssm', 'StartSession', { request: { target: INSTANCE } })
    },
    misses: {
      'a session resumed': call('ssm', 'ResumeSession', { request: { sessionId: 'alice-0a1b2c' } }),
      'a denied session': denied(call('ssm', 'StartSession', { request: { target: INSTANCE } }))
    }
  },
  {
    rule: 'ec2-user-data-modified',
    matches: {
      'user data replaced': call('ec2', 'ModifyInstanceAttribute', {
        request: { instanceId: INSTANCE, userData: '<sensitiveDataRemoved>' }
      }),
      'user data replaced, attribute form': call('ec2', 'ModifyInstanceAttribute', {
        request: { instanceId: INSTANCE, attribute: 'userData', value: '<sensitiveDataRemoved>' }
      })
    },
    misses: {
      'the instance type changed': call('ec2', 'ModifyInstanceAttribute', {
        request: { instanceId: INSTANCE, instanceType: { value: 'm7g.large' } }
      }),
      'a denied attempt': denied(
        call('ec2', 'ModifyInstanceAttribute', {
          request: { instanceId: INSTANCE, userData: '<sensitiveDataRemoved>' }
        })
      )
    }
  },
  {
    rule: 'ec2-gpu-instance-launch',
    matches: {
      'GPU instances launched': runInstances('p4d.24xlarge'),
      'a denied GPU launch counts too': denied(runInstances('p2.xlarge')),
      'graphics instances over quota count too': failed(
        runInstances('g5.12xlarge'),
        'Client.VcpuLimitExceeded'
      )
    },
    misses: {
      'general purpose instances launched': runInstances('m7g.large'),
      'GPU instances launched by EC2 Auto Scaling': by(
        runInstances('g5.xlarge'),
        through('autoscaling.amazonaws.com')
      )
    }
  },
  {
    rule: 'sagemaker-notebook-lifecycle-changed',
    matches: {
      'a lifecycle configuration attached': call('sagemaker', 'UpdateNotebookInstance', {
        request: { notebookInstanceName: 'research', lifecycleConfigName: 'on-start' }
      }),
      "a lifecycle configuration's script changed": call(
        'sagemaker',
        'UpdateNotebookInstanceLifecycleConfig',
        { request: { notebookInstanceLifecycleConfigName: 'on-start' } }
      )
    },
    misses: {
      "the notebook's instance type changed": call('sagemaker', 'UpdateNotebookInstance', {
        request: { notebookInstanceName: 'research', instanceType: 'ml.t3.large' }
      }),
      'a denied attempt': denied(
        call('sagemaker', 'UpdateNotebookInstanceLifecycleConfig', {
          request: { notebookInstanceLifecycleConfigName: 'on-start' }
        })
      )
    }
  },
  {
    rule: 'ec2-instance-connect-key-pushed',
    matches: {
      'a key pushed': call('ec2-instance-connect', 'SendSSHPublicKey', {
        request: {
          instanceId: INSTANCE,
          instanceOSUser: 'ec2-user',
          sSHPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly'
        }
      })
    },
    misses: {
      'a denied push': denied(call('ec2-instance-connect', 'SendSSHPublicKey')),
      "a key pushed to the serial console (the serial console's rule)": call(
        'ec2-instance-connect',
        'SendSerialConsoleSSHPublicKey',
        { request: { instanceId: INSTANCE, serialPort: 0 } }
      )
    }
  },
  {
    rule: 'ec2-serial-console-access',
    matches: {
      'serial console access enabled': call('ec2', 'EnableSerialConsoleAccess', {
        request: { EnableSerialConsoleAccessRequest: '' }
      }),
      "a key pushed to an instance's serial console": call(
        'ec2-instance-connect',
        'SendSerialConsoleSSHPublicKey',
        {
          request: {
            instanceId: INSTANCE,
            monitorMode: false,
            serialPort: 0,
            sSHPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly'
          }
        }
      )
    },
    misses: {
      'serial console access disabled': call('ec2', 'DisableSerialConsoleAccess'),
      'a denied enabling': denied(call('ec2', 'EnableSerialConsoleAccess')),
      'a key pushed over SSH (Instance Connect)': call('ec2-instance-connect', 'SendSSHPublicKey', {
        request: { instanceId: INSTANCE }
      })
    }
  }
]
