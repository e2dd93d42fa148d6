export * from './browser.js';
export {
  ATTEMPT_HEADER,
  DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  EXECUTION_ID_HEADER,
  SIGNATURE_HEADER,
  type SignatureCheck,
  type SignedRequest,
  signWebhook,
  type VerifyOptions,
  verifyWebhook,
} from '@meridian/handler-sdk';
