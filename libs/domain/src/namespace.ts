export const DEFAULT_NAMESPACE = 'default';
