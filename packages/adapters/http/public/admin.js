// The administrator's view: the readiness report of every cluster and the phones list.
// The admin token is kept in this page's memory only (never in storage or a cookie).
import { ApiError, api, el, explain, say } from './common.js';

const $ = (id) => document.getElementById(id);
let token = '';

const get = (path) => api(path, { headers: { authorization: `Bearer ${token}` } });

const renderReadiness = (report) => {
  const host = $('readiness');
  if (report.clusters.length === 0) {
    host.replaceChildren(el('p', { class: 'hint' }, 'No cluster is configured yet.'));
    return;
  }
  host.replaceChildren(
    ...report.clusters.map((c) =>
      el(
        'div',
        { class: 'cluster' },
        el('h3', {}, `Cluster ${c.clusterId}: ${c.ready ? 'ready for self-provisioning' : `${c.items.length} step(s) to fix`}`),
        c.ready
          ? el('p', { class: 'status' }, 'All six steps are done.')
          : el(
              'ul',
              { class: 'list' },
              c.items.map((i) =>
                el('li', {}, el('span', {}, el('strong', {}, `Step ${i.step}: `), i.message, el('br'), el('small', {}, `Fix: ${i.fix}`))),
              ),
            ),
      ),
    ),
  );
};

const renderPhones = (phones) => {
  $('phones-caption').textContent = `${phones.length} phone(s)`;
  $('phones-body').replaceChildren(
    ...phones.map((p) =>
      el(
        'tr',
        {},
        el('td', { 'data-label': 'Device' }, p.deviceName),
        el('td', { 'data-label': 'Model' }, `${p.model} (${p.protocol})`),
        el('td', { 'data-label': 'State' }, p.state),
        el('td', { 'data-label': 'Owner' }, p.owner ?? '—'),
        el('td', { 'data-label': 'Lines' }, p.lines.map((l) => `${l.index}: ${l.directoryNumber}`).join(', ') || '—'),
        el('td', { 'data-label': 'Templates' }, [p.templates.device, ...p.templates.lines].filter(Boolean).join(', ') || '—'),
      ),
    ),
  );
};

const refresh = async () => {
  const [readiness, phones] = await Promise.all([get('api/admin/readiness'), get('api/admin/phones')]);
  renderReadiness(readiness);
  renderPhones(phones);
};

$('token-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  token = $('token-input').value.trim();
  try {
    await refresh();
    $('token-input').value = '';
    $('token').hidden = true;
    $('admin').hidden = false;
    $('admin-who').hidden = false;
    $('main').focus();
  } catch (error) {
    token = '';
    say(
      $('token-error'),
      error instanceof ApiError && error.status === 401 ? 'This token is not the administrator token.' : explain(error),
      true,
    );
    $('token-input').focus();
  }
});

$('refresh').addEventListener('click', async () => {
  try {
    await refresh();
    say($('admin-status'), 'Up to date.');
  } catch (error) {
    say($('admin-status'), explain(error), true);
  }
});

$('forget-token').addEventListener('click', () => {
  token = '';
  $('admin').hidden = true;
  $('admin-who').hidden = true;
  $('token').hidden = false;
  $('token-input').focus();
});
