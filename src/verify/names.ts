/** Names of the objects the attempts submit start with this, so they are recognisable in audit logs. */
export const VERIFY_PREFIX = "kubefence-verify";
/** Label on every object an attempt submits. */
export const VERIFY_LABEL = "kubefence.io/verify";
