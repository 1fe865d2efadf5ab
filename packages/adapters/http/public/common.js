// Shared by the self-care portal and the administrator's view: the API client
// and a tiny DOM builder. Data is always inserted as text, never as HTML.

/** The mount point of the server (`/` or `/prefix/`). */
export const base = document.querySelector('meta[name="selfprov-base"]')?.getAttribute('content') || '/';

/** An API error: the server's `{ code, message, details }` and the HTTP status. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `request failed (${status})`);
    this.status = status;
    this.code = body?.code || 'error';
    this.details = body?.details || {};
  }
}

/**
 * Calls the API. `headers` adds request headers (the CSRF token, a bearer token).
 * Answers the JSON body (or null for 204); throws ApiError for an error answer.
 */
export const api = async (path, { method = 'GET', body, headers = {} } = {}) => {
  const init = { method, headers: { accept: 'application/json', ...headers }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`${base}${path.replace(/^\//, '')}`, init);
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
};

/** Builds an element: `el('label', { for: 'x', class: 'inline' }, 'text', child)`. */
export const el = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name === 'value') node.value = value;
    else if (name === 'checked') node.checked = Boolean(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
};

let ids = 0;
/** A unique element id with a readable prefix. */
export const uid = (prefix) => `${prefix}-${++ids}`;

/** A labelled input: answers `[label, input]` for a form. */
export const field = (labelText, attributes = {}) => {
  const id = attributes.id || uid('f');
  const input = el('input', { ...attributes, id });
  return [el('label', { for: id }, labelText), input];
};

/** A labelled select of `[value, text]` options. */
export const select = (labelText, options, selected, attributes = {}) => {
  const id = attributes.id || uid('s');
  const node = el(
    'select',
    { ...attributes, id },
    options.map(([value, text]) => el('option', { value, selected: value === selected }, text)),
  );
  return [el('label', { for: id }, labelText), node];
};

/** A checkbox with its label on the same line. */
export const checkbox = (labelText, checked, attributes = {}) => {
  const id = attributes.id || uid('c');
  const input = el('input', { ...attributes, id, type: 'checkbox', checked });
  return el('label', { class: 'inline', for: id }, input, labelText);
};

/** Shows a message in a status line (polite) or an error line (alert). */
export const say = (node, text, isError = false) => {
  node.textContent = text;
  node.className = isError ? 'error' : 'status';
  node.setAttribute('role', isError ? 'alert' : 'status');
};

/** The text of an API error for a person: the message, and the field when the server named one. */
export const explain = (error) => {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error && error.message ? error.message : 'Something went wrong; try again.';
};
