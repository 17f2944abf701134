// Kubernetes Status objects for errors and successes, and the ApiError handlers throw to answer
// with one.

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: Array<{ reason: string; message: string; field?: string }>; retryAfterSeconds?: number };
  code: number;
}

export class ApiError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string, readonly details?: StatusBody['details']) {
    super(message);
  }

  body(): StatusBody {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, ...(this.details ? { details: this.details } : {}), code: this.code };
  }
}

export function successStatus(code = 200, details?: StatusBody['details']): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}), code };
}

/** `pods "x" not found` — resourceName is plural, qualified by group when not core. */
export function notFound(qualified: string, name: string, group: string, kind: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified} "${name}" not found`, { name, group, kind });
}

export function alreadyExists(qualified: string, name: string, group: string, kind: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified} "${name}" already exists`, { name, group, kind });
}

export function conflict(qualified: string, name: string, group: string, kind: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group, kind });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}
