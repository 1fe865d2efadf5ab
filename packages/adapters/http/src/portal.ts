import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { refusal } from './errors.js';
import type { RouteResult, RouteSpec } from './route.js';
import { CONTENT_SECURITY_POLICY } from './security.js';

/**
 * The self-care web portal and the administrator's view: plain HTML, CSS and
 * JavaScript files of this package (`public/`), read once and served from
 * memory. Pages carry a strict Content-Security-Policy (scripts and styles from
 * this origin only, no inline code).
 */

const publicDir = new URL('../public/', import.meta.url);

const ASSETS: Readonly<Record<string, string>> = {
  'portal.js': 'text/javascript; charset=utf-8',
  'admin.js': 'text/javascript; charset=utf-8',
  'common.js': 'text/javascript; charset=utf-8',
  'portal.css': 'text/css; charset=utf-8',
};

const AssetName = t.keyof(Object.fromEntries(Object.keys(ASSETS).map((k) => [k, null])) as Record<string, null>, 'AssetName');

const read = (name: string): string => readFileSync(new URL(name, publicDir), 'utf8');

/** The portal's routes, for a plugin mounted at `base` (`/` or `/prefix/`). */
export const portalRoutes = (base: string): RouteSpec[] => {
  const page = (name: string) => read(name).replaceAll('{{BASE}}', base);
  const pages = { index: page('index.html'), admin: page('admin.html') };
  const assets = Object.fromEntries(Object.keys(ASSETS).map((name) => [name, read(name)]));
  const html = (body: string): RouteResult =>
    E.right({
      body,
      contentType: 'text/html; charset=utf-8',
      headers: { 'content-security-policy': CONTENT_SECURITY_POLICY, 'cache-control': 'no-cache' },
    });
  return [
    {
      method: 'GET',
      path: '/',
      operationId: 'portal',
      summary: 'The self-care web portal',
      tag: 'system',
      access: 'none',
      status: 200,
      produces: 'text/html',
      responseDescription: 'the portal page',
      handler: async () => html(pages.index),
    },
    {
      method: 'GET',
      path: '/admin',
      operationId: 'adminPortal',
      summary: "The administrator's view: readiness report and phones (asks for the admin token)",
      tag: 'system',
      access: 'none',
      status: 200,
      produces: 'text/html',
      responseDescription: 'the administrator page',
      handler: async () => html(pages.admin),
    },
    {
      method: 'GET',
      path: '/assets/:file',
      operationId: 'portalAsset',
      summary: "The portal's scripts and style sheet",
      tag: 'system',
      access: 'none',
      params: { file: { codec: AssetName } },
      status: 200,
      produces: 'text/javascript',
      responseDescription: 'the file',
      handler: async (ctx) => {
        const name = String(ctx.params.file);
        const body = assets[name];
        const type = ASSETS[name];
        if (body === undefined || type === undefined)
          return E.left({ _tag: 'DomainError', ...refusal('not_found', 'no such file', 'file') });
        return E.right({ body, contentType: type, headers: { 'cache-control': 'no-cache' } });
      },
    },
  ];
};
