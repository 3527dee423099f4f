// Locations in the schema (issue 13 "Location"): a non-model type is a GeoPoint by its shape, not
// its name, as attachment references are (attachment-ref.ts):
//   type GeoPoint { latitude: Float! longitude: Float! accuracyMeters: Float }
// `latitude` and `longitude` are required Floats; the optional parts, when declared, are single
// Floats under one of the names below. Other fields are allowed and left alone. Forms offer
// "Use my location" for such a type, and every save is range-checked against the plain rules here.
import { findField } from './model-fields.js';
import type { EmbeddedTypeDef, FieldDef, ModelDef, Schema } from './types.js';

/** A part of a location a device can report, by what it means (not by its field name). */
export type GeoPointPart = 'latitude' | 'longitude' | 'accuracy' | 'altitude' | 'altitudeAccuracy';

/** The field names each optional part may have in a GeoPoint-shaped type, first match wins. */
const OPTIONAL_PART_NAMES: Readonly<Record<Exclude<GeoPointPart, 'latitude' | 'longitude'>, readonly string[]>> = {
  accuracy: ['accuracyMeters', 'accuracy'],
  altitude: ['altitudeMeters', 'altitude'],
  altitudeAccuracy: ['altitudeAccuracyMeters', 'altitudeAccuracy'],
};

/** How each part reads in a message. */
const PART_WORDS: Readonly<Record<GeoPointPart, string>> = {
  latitude: 'latitude',
  longitude: 'longitude',
  accuracy: 'accuracy',
  altitude: 'altitude',
  altitudeAccuracy: 'altitude accuracy',
};

/** The field that holds each part in one GeoPoint-shaped type (optional parts only when declared). */
export interface GeoPointLayout {
  readonly latitude: string;
  readonly longitude: string;
  readonly accuracy?: string;
  readonly altitude?: string;
  readonly altitudeAccuracy?: string;
}

/** One thing wrong with a location: the field it is in, and a plain sentence naming the part. */
export interface GeoPointProblem {
  /** The field name inside the type, e.g. `latitude` or `accuracyMeters`. */
  readonly field: string;
  readonly message: string;
}

function isSingleFloat(field: FieldDef): boolean {
  return !field.isList && field.type.kind === 'scalar' && field.type.name === 'Float';
}

/** Where each part of a GeoPoint-shaped `type` lives, or null when the type is not GeoPoint-shaped. */
export function geoPointLayout(type: Pick<EmbeddedTypeDef, 'fields'>): GeoPointLayout | null {
  for (const name of ['latitude', 'longitude']) {
    const field = findField(type, name);
    if (field === undefined || !field.isRequired || !isSingleFloat(field)) return null;
  }
  const layout: { -readonly [K in keyof GeoPointLayout]: GeoPointLayout[K] } = { latitude: 'latitude', longitude: 'longitude' };
  for (const [part, names] of Object.entries(OPTIONAL_PART_NAMES) as Array<[keyof typeof OPTIONAL_PART_NAMES, readonly string[]]>) {
    for (const name of names) {
      const field = findField(type, name);
      if (field === undefined) continue;
      // A part under its own name but of another type (an Int accuracy, a list) is not the shape asked for.
      if (!isSingleFloat(field)) return null;
      layout[part] ??= name;
    }
  }
  return layout;
}

/** True when `type` is GeoPoint-shaped (see the header). */
export function isGeoPointType(type: Pick<EmbeddedTypeDef, 'fields'>): boolean {
  return geoPointLayout(type) !== null;
}

/** The model's fields that hold a GeoPoint-shaped value (one, or a list), in declaration order. */
export function geoPointFields(schema: Schema, model: ModelDef): FieldDef[] {
  return model.fields.filter((f) => {
    if (f.type.kind !== 'embedded') return false;
    const type = Object.hasOwn(schema.embeddedTypes, f.type.name) ? schema.embeddedTypes[f.type.name] : undefined;
    return type !== undefined && isGeoPointType(type);
  });
}

function got(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}…` : value);
  if (value === undefined) return 'nothing';
  return typeof value === 'object' ? (value === null ? 'null' : 'an object') : typeof value;
}

/** Why `value` is not a usable number for `part`, or null. Ranges in degrees; accuracies in metres ≥ 0. */
function partProblem(part: GeoPointPart, value: unknown): string | null {
  const words = PART_WORDS[part];
  if (typeof value !== 'number') return `${words} must be a number, got ${got(value)}`;
  if (!Number.isFinite(value)) return `${words} must be a finite number, got ${got(value)}`;
  if (part === 'latitude' && (value < -90 || value > 90)) return `latitude must be between −90 and 90, got ${got(value)}`;
  if (part === 'longitude' && (value < -180 || value > 180)) return `longitude must be between −180 and 180, got ${got(value)}`;
  if ((part === 'accuracy' || part === 'altitudeAccuracy') && value < 0) return `${words} must be 0 metres or more, got ${got(value)}`;
  return null;
}

/**
 * Everything wrong with `value` as a location, in part order: latitude and longitude must be finite
 * numbers within −90…90 and −180…180 degrees; accuracy, altitude and altitude accuracy may be
 * missing or null, else finite (accuracies ≥ 0 metres). `layout` names the fields (default: the
 * plain names and whichever optional names `value` holds).
 */
export function geoPointProblems(value: unknown, layout?: GeoPointLayout): GeoPointProblem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ field: '', message: 'a location must be an object { latitude, longitude }' }];
  }
  const point = value as Record<string, unknown>;
  const fields = layout ?? layoutOfValue(point);
  const problems: GeoPointProblem[] = [];
  for (const part of ['latitude', 'longitude', 'accuracy', 'altitude', 'altitudeAccuracy'] as const) {
    const field = fields[part];
    if (field === undefined) continue;
    const v = point[field];
    const optional = part !== 'latitude' && part !== 'longitude';
    if (optional && (v === null || v === undefined)) continue;
    const message = partProblem(part, v);
    if (message !== null) problems.push({ field, message });
  }
  return problems;
}

/** The first thing wrong with `value` as a location, in plain words naming the part, or null when it is fine. */
export function geoPointProblem(value: unknown): string | null {
  return geoPointProblems(value)[0]?.message ?? null;
}

function layoutOfValue(point: Record<string, unknown>): GeoPointLayout {
  const layout: { -readonly [K in keyof GeoPointLayout]: GeoPointLayout[K] } = { latitude: 'latitude', longitude: 'longitude' };
  for (const [part, names] of Object.entries(OPTIONAL_PART_NAMES) as Array<[keyof typeof OPTIONAL_PART_NAMES, readonly string[]]>) {
    const name = names.find((n) => Object.hasOwn(point, n));
    if (name !== undefined) layout[part] = name;
  }
  return layout;
}
