// JSON merge patch (RFC 7386), as `kubectl patch --type merge` sends it and the API server applies
// it: a mapping in the patch is merged key by key into the target's mapping, a null removes the
// key, and anything else (lists included) replaces the target's value whole.

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The target with the patch applied (RFC 7386 MergePatch); neither argument is modified. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return patch;
  const out: Json = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}
