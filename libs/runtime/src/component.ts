/** Which Meridian process is running: names its logs and Redis connection, and picks their modes. */
export type Component = 'api' | 'scheduler' | 'worker';
