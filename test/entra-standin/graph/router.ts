// Maps `METHOD /path/{param}` patterns to handlers, each with the Graph permissions it requires.

import { graphErrors } from '../errors.ts';
import type { Handler } from './types.ts';

interface Route {
  method: string;
  segments: string[];
  /** The caller needs at least one of these permissions. */
  permissions: readonly string[];
  handler: Handler;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  readonly #routes: Route[] = [];

  add(method: string, pattern: string, permissions: readonly string[], handler: Handler): void {
    this.#routes.push({ method, segments: pattern.split('/').filter(Boolean), permissions, handler });
  }

  /** The route for a request; 404 for an unknown path, 405 for a known path with another method. */
  match(method: string, path: string): RouteMatch {
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    let pathKnown = false;
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method) return { route, params };
      pathKnown = true;
    }
    if (pathKnown) throw graphErrors.methodNotAllowed();
    throw graphErrors.noSegment(segments.at(-1) ?? path);
  }
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index]!;
    if (part.startsWith('{')) params[part.slice(1, -1)] = segment;
    else if (part.toLowerCase() !== segment.toLowerCase()) return undefined;
  }
  return params;
}
