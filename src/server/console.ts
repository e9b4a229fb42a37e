/**
 * The web console (web/, built by `npm run build:web` into web/dist) served by the platform at
 * `/`: hashed assets cached for a year, the page itself never cached, every other browser path
 * answered with the page (the console routes in the browser) by the not-found handler, so the
 * API's own routing — its 404, 405 and 414 — is untouched.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const CONSOLE_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * Scripts and styles come from the platform only; Ant Design sets inline styles, nothing runs
 * inline: the built page loads its one module script by `src` (test/web/csp.test.ts checks the
 * built page and this header), so script-src needs neither 'unsafe-inline' nor 'unsafe-eval'.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const API_PATHS = /^\/(api|docs)(\/|$)/;

/** Registers the console when it has been built; returns whether it was. */
export async function registerConsole(app: FastifyInstance, dist = CONSOLE_DIST): Promise<boolean> {
  const indexPath = `${dist}index.html`;
  if (!existsSync(indexPath)) return false;
  const index = readFileSync(indexPath);
  await app.register(fastifyStatic, {
    root: dist,
    prefix: '/',
    wildcard: false,
    index: false,
    setHeaders: (res, path) => {
      // Vite names assets by their content: a changed file is a new name.
      res.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      // The page asked for by its file name (/index.html) is under the same policy as every other path to it.
      if (path.endsWith('.html')) res.header('content-security-policy', CONSOLE_CSP);
    },
  });
  // Browser paths (GET or HEAD, outside the API and its docs) get the page when no route matched.
  app.decorate('consolePage', (request: FastifyRequest, reply: FastifyReply) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || API_PATHS.test(request.url)) return null;
    return reply
      .code(200)
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CONSOLE_CSP)
      .type('text/html; charset=utf-8')
      .send(index);
  });
  return true;
}
