// API errors as the API server reports them. Controllers react to `reason`, as client-go callers
// do with apierrors.IsConflict / IsNotFound / IsAlreadyExists.

export type ApiErrorReason =
  | 'Conflict'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Invalid'
  | 'TooManyRequests'
  | 'Forbidden'
  | 'InternalError';

const CODES: Record<ApiErrorReason, number> = {
  Conflict: 409,
  NotFound: 404,
  AlreadyExists: 409,
  Invalid: 422,
  // The eviction subresource: a PodDisruptionBudget says not now (clients retry), or never.
  TooManyRequests: 429,
  Forbidden: 403,
  InternalError: 500,
};

export class ApiError extends Error {
  readonly code: number;

  constructor(
    readonly reason: ApiErrorReason,
    message: string,
  ) {
    super(message);
    this.code = CODES[reason];
  }
}

export function isConflict(e: unknown): boolean {
  return e instanceof ApiError && e.reason === 'Conflict';
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && e.reason === 'NotFound';
}

export function isAlreadyExists(e: unknown): boolean {
  return e instanceof ApiError && e.reason === 'AlreadyExists';
}

export function isTooManyRequests(e: unknown): boolean {
  return e instanceof ApiError && e.reason === 'TooManyRequests';
}
