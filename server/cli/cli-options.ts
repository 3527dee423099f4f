// Resolves the CLI's effective settings: flags override the config file, which overrides defaults.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ValidationError } from '../../common/errors.js';
import { parseSchema } from '../../common/schema/parse-schema.js';
import type { Schema } from '../../common/schema/types.js';
import { loadServerConfig, type ServerConfig } from '../config/server-config.js';
import { DEFAULT_DATABASE } from '../storage/open-storage.js';

/** Default schema file, relative to the working directory. */
export const DEFAULT_SCHEMA_PATH = 'schema/schema.graphql';

/** Flags shared by the sub-commands. */
export interface CommonFlags {
  readonly schema?: string;
  readonly database?: string;
  readonly config?: string;
}

export interface ResolvedCommon {
  readonly config: ServerConfig;
  /** Directory relative paths in the config are resolved against. */
  readonly configDir: string;
  readonly schemaPath: string;
  readonly database: string;
}

/** Loads the config file (if any) and applies flag overrides. */
export function resolveCommon(flags: CommonFlags): ResolvedCommon {
  const config = flags.config !== undefined ? loadServerConfig(flags.config) : {};
  const configDir = flags.config !== undefined ? dirname(resolve(flags.config)) : process.cwd();
  const schemaPath = flags.schema ?? (config.schema !== undefined ? resolve(configDir, config.schema) : DEFAULT_SCHEMA_PATH);
  return { config, configDir, schemaPath, database: flags.database ?? config.database ?? DEFAULT_DATABASE };
}

/** Reads and parses the schema file; errors name the file, line and column. */
export function readSchemaFile(path: string): Schema {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ValidationError(`cannot read schema file ${path}: ${error instanceof Error ? error.message : String(error)}`, path);
  }
  return parseSchema(text, path);
}
