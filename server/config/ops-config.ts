// The config file's operating keys (server/OPERATING.md): log level, the /metrics token, and the
// shutdown grace. Spread into the config schema of server-config.ts.
import { z } from 'zod';

/** Zod fields of the config file's `log`, `metrics` and `shutdown` objects. */
export const OPS_CONFIG_FIELDS = {
  /** Structured logs (pino JSON on stdout). */
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional() }).optional(),
  /** GET /metrics (Prometheus): refused (401) without `Authorization: Bearer <token>`; not served at all without a token. */
  metrics: z.strictObject({ token: z.string().min(16, 'metrics.token must be at least 16 characters').optional() }).optional(),
  /** SIGTERM: how long requests in flight may take to finish, ms; default 10 000. */
  shutdown: z.strictObject({ graceMs: z.number().int().min(0).max(600_000).optional() }).optional(),
};
