/**
 * Where a CloudTrail event is not simply the IAM action `<host's first label>:<eventName>`: the
 * exceptions, as data, in one place. Every action named here must be in the catalogue, and every
 * event said not to be an action must not be (both are tested), so that a catalogue update that
 * changes either shows up as a failing test instead of a wrong policy.
 */

/**
 * Event sources whose IAM service prefix is not the host's first label.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
export const SERVICE_PREFIXES: Readonly<Record<string, string>> = {
  // CloudWatch's API endpoint is monitoring.<region>.amazonaws.com.
  'monitoring.amazonaws.com': 'cloudwatch',
  // SES v1 is served at email.<region>.amazonaws.com; v2 logs ses.amazonaws.com.
  'email.amazonaws.com': 'ses',
  'streams.dynamodb.amazonaws.com': 'dynamodb',
  // The Resource Groups Tagging API.
  'tagging.amazonaws.com': 'tag',
  // AppRegistry's actions are Service Catalog's.
  'servicecatalog-appregistry.amazonaws.com': 'servicecatalog',
  'agreement-marketplace.amazonaws.com': 'aws-marketplace',
  // The Cloud Control API's actions are CloudFormation's.
  'cloudcontrolapi.amazonaws.com': 'cloudformation'
}

/**
 * Event names that carry the API version they were called with; without it they are the action.
 * Lambda logs `ListFunctions20150331`, `GetFunction20150331v2`; CloudFront
 * `CreateDistribution2020_05_31`.
 */
export const VERSION_SUFFIXES: Readonly<Record<string, RegExp>> = {
  'lambda.amazonaws.com': /\d{8}(v\d+)?$/,
  'cloudfront.amazonaws.com': /\d{4}_\d{2}_\d{2}$/
}

/**
 * API Gateway's management API is authorized by HTTP method (`apigateway:POST`), not by operation.
 * These name prefixes map to one method for every operation of v1 (REST) and v2 (HTTP, WebSocket);
 * other operations (`ImportRestApi` is a POST, `ImportApi` a PUT) stay unmapped.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-create-and-manage-api.html
 */
export const HTTP_METHOD_SERVICES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'apigateway.amazonaws.com': {
    Create: 'apigateway:POST',
    Delete: 'apigateway:DELETE',
    Get: 'apigateway:GET',
    Put: 'apigateway:PUT',
    Update: 'apigateway:PATCH'
  }
}

/**
 * Events whose name is not the action that authorizes them, by `eventSource:eventName`. An event
 * that needs two permissions (a copy reads one object and writes another) lists both.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html
 * (each operation's "Permissions" section)
 */
export const EVENT_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  's3.amazonaws.com:ListBuckets': ['s3:ListAllMyBuckets'],
  's3.amazonaws.com:HeadBucket': ['s3:ListBucket'],
  's3.amazonaws.com:ListObjects': ['s3:ListBucket'],
  's3.amazonaws.com:ListObjectsV2': ['s3:ListBucket'],
  's3.amazonaws.com:ListObjectVersions': ['s3:ListBucketVersions'],
  's3.amazonaws.com:HeadObject': ['s3:GetObject'],
  's3.amazonaws.com:SelectObjectContent': ['s3:GetObject'],
  's3.amazonaws.com:CopyObject': ['s3:GetObject', 's3:PutObject'],
  's3.amazonaws.com:UploadPartCopy': ['s3:GetObject', 's3:PutObject'],
  's3.amazonaws.com:CreateMultipartUpload': ['s3:PutObject'],
  's3.amazonaws.com:UploadPart': ['s3:PutObject'],
  's3.amazonaws.com:CompleteMultipartUpload': ['s3:PutObject'],
  's3.amazonaws.com:DeleteObjects': ['s3:DeleteObject'],
  's3.amazonaws.com:ListMultipartUploads': ['s3:ListBucketMultipartUploads'],
  's3.amazonaws.com:ListParts': ['s3:ListMultipartUploadParts'],
  's3.amazonaws.com:GetBucketEncryption': ['s3:GetEncryptionConfiguration'],
  's3.amazonaws.com:PutBucketEncryption': ['s3:PutEncryptionConfiguration'],
  's3.amazonaws.com:DeleteBucketEncryption': ['s3:PutEncryptionConfiguration'],
  's3.amazonaws.com:GetBucketLifecycle': ['s3:GetLifecycleConfiguration'],
  's3.amazonaws.com:GetBucketLifecycleConfiguration': ['s3:GetLifecycleConfiguration'],
  's3.amazonaws.com:PutBucketLifecycle': ['s3:PutLifecycleConfiguration'],
  's3.amazonaws.com:PutBucketLifecycleConfiguration': ['s3:PutLifecycleConfiguration'],
  's3.amazonaws.com:DeleteBucketLifecycle': ['s3:PutLifecycleConfiguration'],
  's3.amazonaws.com:GetBucketReplication': ['s3:GetReplicationConfiguration'],
  's3.amazonaws.com:PutBucketReplication': ['s3:PutReplicationConfiguration'],
  's3.amazonaws.com:DeleteBucketReplication': ['s3:PutReplicationConfiguration'],
  's3.amazonaws.com:DeleteBucketCors': ['s3:PutBucketCORS'],
  's3.amazonaws.com:DeleteBucketTagging': ['s3:PutBucketTagging'],
  's3.amazonaws.com:DeleteBucketOwnershipControls': ['s3:PutBucketOwnershipControls'],
  's3.amazonaws.com:DeleteBucketPublicAccessBlock': ['s3:PutBucketPublicAccessBlock'],
  's3.amazonaws.com:DeleteAccountPublicAccessBlock': ['s3:PutAccountPublicAccessBlock'],
  's3.amazonaws.com:GetBucketNotificationConfiguration': ['s3:GetBucketNotification'],
  's3.amazonaws.com:PutBucketNotificationConfiguration': ['s3:PutBucketNotification'],
  's3.amazonaws.com:GetBucketAccelerateConfiguration': ['s3:GetAccelerateConfiguration'],
  's3.amazonaws.com:PutBucketAccelerateConfiguration': ['s3:PutAccelerateConfiguration'],
  's3.amazonaws.com:GetObjectLockConfiguration': ['s3:GetBucketObjectLockConfiguration'],
  's3.amazonaws.com:PutObjectLockConfiguration': ['s3:PutBucketObjectLockConfiguration'],
  's3.amazonaws.com:GetBucketAnalyticsConfiguration': ['s3:GetAnalyticsConfiguration'],
  's3.amazonaws.com:ListBucketAnalyticsConfigurations': ['s3:GetAnalyticsConfiguration'],
  's3.amazonaws.com:PutBucketAnalyticsConfiguration': ['s3:PutAnalyticsConfiguration'],
  's3.amazonaws.com:DeleteBucketAnalyticsConfiguration': ['s3:PutAnalyticsConfiguration'],
  's3.amazonaws.com:GetBucketInventoryConfiguration': ['s3:GetInventoryConfiguration'],
  's3.amazonaws.com:ListBucketInventoryConfigurations': ['s3:GetInventoryConfiguration'],
  's3.amazonaws.com:PutBucketInventoryConfiguration': ['s3:PutInventoryConfiguration'],
  's3.amazonaws.com:DeleteBucketInventoryConfiguration': ['s3:PutInventoryConfiguration'],
  's3.amazonaws.com:GetBucketMetricsConfiguration': ['s3:GetMetricsConfiguration'],
  's3.amazonaws.com:ListBucketMetricsConfigurations': ['s3:GetMetricsConfiguration'],
  's3.amazonaws.com:PutBucketMetricsConfiguration': ['s3:PutMetricsConfiguration'],
  's3.amazonaws.com:DeleteBucketMetricsConfiguration': ['s3:PutMetricsConfiguration'],
  's3.amazonaws.com:GetBucketIntelligentTieringConfiguration': [
    's3:GetIntelligentTieringConfiguration'
  ],
  's3.amazonaws.com:ListBucketIntelligentTieringConfigurations': [
    's3:GetIntelligentTieringConfiguration'
  ],
  's3.amazonaws.com:PutBucketIntelligentTieringConfiguration': [
    's3:PutIntelligentTieringConfiguration'
  ],
  's3.amazonaws.com:DeleteBucketIntelligentTieringConfiguration': [
    's3:PutIntelligentTieringConfiguration'
  ],
  // Lambda's data event for a function invocation.
  // https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html
  'lambda.amazonaws.com:Invoke': ['lambda:InvokeFunction']
}

/** A console sign-in step, or an event a service logs about its own work. */
export type NotActionReason = 'console sign-in' | 'service event'

/**
 * Events that no IAM policy allows or denies: console sign-in steps, and events AWS services
 * log about their own work (`eventType: AwsServiceEvent`). They are reported as unmapped, with
 * this reason, never turned into an action.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
 */
export const NOT_ACTIONS: Readonly<Record<string, NotActionReason>> = {
  'signin.amazonaws.com:ConsoleLogin': 'console sign-in',
  'signin.amazonaws.com:CheckMfa': 'console sign-in',
  'signin.amazonaws.com:GetSigninToken': 'console sign-in',
  'signin.amazonaws.com:SwitchRole': 'console sign-in',
  'signin.amazonaws.com:ExitRole': 'console sign-in',
  'signin.amazonaws.com:RenewRole': 'console sign-in',
  'signin.amazonaws.com:CredentialChallenge': 'console sign-in',
  'signin.amazonaws.com:CredentialVerification': 'console sign-in',
  'signin.amazonaws.com:UserAuthentication': 'console sign-in',
  'kms.amazonaws.com:RotateKey': 'service event',
  'kms.amazonaws.com:DeleteKey': 'service event',
  'kms.amazonaws.com:DeleteExpiredKeyMaterial': 'service event',
  'ec2.amazonaws.com:SharedSnapshotCopyInitiated': 'service event',
  'ec2.amazonaws.com:SharedSnapshotVolumeCreated': 'service event',
  'secretsmanager.amazonaws.com:StartSecretVersionDelete': 'service event',
  'secretsmanager.amazonaws.com:EndSecretVersionDelete': 'service event',
  'secretsmanager.amazonaws.com:RotationStarted': 'service event',
  'secretsmanager.amazonaws.com:RotationSucceeded': 'service event'
}

/**
 * Error codes that mean the call was refused for want of permission, whatever the service calls
 * it: `AccessDenied` (S3), `AccessDeniedException`, `Client.UnauthorizedOperation` (EC2),
 * `AuthorizationError` (SNS), `UnauthorizedException`, `Forbidden`.
 */
export const DENIED_ERROR_CODE =
  /^(Client\.)?(AccessDenied|Unauthorized|AuthorizationError|Forbidden)/
