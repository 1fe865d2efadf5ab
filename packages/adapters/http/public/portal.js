// The self-care portal: log in, pick a phone in the carousel, change its phone,
// line, user and single-number-reach settings. Only the features the operator
// shows are built at all; the API refuses the others anyway.
import { ApiError, api, checkbox, el, explain, field, say, select, uid } from './common.js';

const $ = (id) => document.getElementById(id);

const CALL_AUDIO = ['default', 'ring', 'ring-once', 'beep-only', 'flash-only', 'disable'];
const MESSAGE_AUDIO = ['default', 'on', 'off'];
const MESSAGE_VISUAL = ['default', 'light-and-prompt', 'prompt-only', 'never'];
const DND_OPTIONS = [
  ['ringer-off', 'Ringer off'],
  ['call-reject', 'Reject the call'],
  ['beep-only', 'Beep only'],
];
const SELECTED_KEY = 'selfprov.selectedPhone';

const state = { csrf: '', userId: '', carousel: null, catalog: null, user: null, snr: [], selected: 0, line: 1 };

// --- API with the session's CSRF token ----------------------------------------------------------

const send = async (path, method, body) => {
  const call = () => api(path, { method, body, headers: { 'x-csrf-token': state.csrf } });
  try {
    return await call();
  } catch (error) {
    // The server's CSRF key changes on restart: ask for the current token once, then retry.
    if (error instanceof ApiError && error.code === 'csrf_token_invalid') {
      state.csrf = (await api('api/selfcare/session')).csrfToken;
      return call();
    }
    if (error instanceof ApiError && error.status === 401) showLogin('Your session has ended: log in again.');
    throw error;
  }
};

const phonePath = (item) => `api/selfcare/phones/${encodeURIComponent(item.deviceName)}`;
const linePath = (item, index) => `${phonePath(item)}/lines/${index}`;

// --- login and logout -------------------------------------------------------------------------------

const showLogin = (message = '') => {
  $('loading').hidden = true;
  $('portal').hidden = true;
  $('who').hidden = true;
  $('login').hidden = false;
  say($('login-error'), message, true);
  $('login-user').focus();
};

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const userId = $('login-user').value.trim();
  const password = $('login-password').value;
  if (!userId || !password) {
    say($('login-error'), 'Enter your user ID and password.', true);
    return;
  }
  say($('login-error'), '', true);
  try {
    const answer = await api('api/selfcare/login', { method: 'POST', body: { userId, password } });
    state.csrf = answer.csrfToken;
    state.userId = answer.userId;
    $('login-password').value = '';
    await showPortal();
  } catch (error) {
    say($('login-error'), error instanceof ApiError && error.status === 401 ? 'The user ID or password is wrong.' : explain(error), true);
    $('login-password').focus();
  }
});

$('logout').addEventListener('click', async () => {
  try {
    await send('api/selfcare/logout', 'POST');
  } catch {
    // the session is gone either way
  }
  sessionStorage.removeItem(SELECTED_KEY);
  showLogin('You are logged out.');
});

// --- loading and rendering ----------------------------------------------------------------------

const load = async () => {
  const [carousel, catalog, user, snr] = await Promise.all([
    api('api/selfcare/carousel'),
    api('api/selfcare/catalog'),
    api('api/selfcare/user'),
    api('api/selfcare/snr'),
  ]);
  Object.assign(state, { carousel, catalog, user, snr });
  const remembered = sessionStorage.getItem(SELECTED_KEY);
  const index = carousel.items.findIndex((i) => i.deviceName === remembered);
  state.selected = Math.max(index, 0);
  const item = carousel.items[state.selected];
  if (!item?.lines.some((l) => l.index === state.line)) state.line = item?.lines[0]?.index ?? 1;
};

const showPortal = async () => {
  try {
    await load();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return showLogin();
    $('loading').textContent = explain(error);
    return;
  }
  $('loading').hidden = true;
  $('login').hidden = true;
  $('portal').hidden = false;
  $('who').hidden = false;
  $('who-name').textContent = state.userId || state.carousel.userId;
  render();
  $('main').focus();
};

const visible = (page, feature) => state.carousel.visible[page]?.includes(feature);
const selectedItem = () => state.carousel.items[state.selected];

const render = () => {
  renderCarousel();
  renderPhone();
  renderLines();
  renderSnr();
  renderUser();
};

const renderCarousel = () => {
  const items = state.carousel.items;
  $('no-phones').hidden = items.length > 0;
  $('carousel').hidden = items.length === 0;
  const list = $('carousel-items');
  list.replaceChildren(
    ...items.map((item, index) =>
      el(
        'li',
        {},
        el(
          'button',
          {
            type: 'button',
            'aria-pressed': index === state.selected ? 'true' : 'false',
            'data-device': item.deviceName,
            onclick: () => choose(index),
          },
          item.settings.name || item.description || item.model || item.deviceName,
          el('small', {}, item.deviceName),
          el('small', {}, item.lines.map((l) => `Line ${l.index}: ${l.directoryNumber}`).join(', ') || 'no line'),
        ),
      ),
    ),
  );
  $('carousel-prev').disabled = state.selected <= 0;
  $('carousel-next').disabled = state.selected >= items.length - 1;
};

const choose = (index) => {
  state.selected = index;
  const item = selectedItem();
  if (item) sessionStorage.setItem(SELECTED_KEY, item.deviceName);
  state.line = item?.lines[0]?.index ?? 1;
  render();
  $('carousel-items').querySelector('[aria-pressed="true"]')?.focus();
};
$('carousel-prev').addEventListener('click', () => state.selected > 0 && choose(state.selected - 1));
$('carousel-next').addEventListener('click', () => state.selected < state.carousel.items.length - 1 && choose(state.selected + 1));

/**
 * A feature's form: a fieldset with its controls, a Save button and a status
 * line. After a successful save the data is reloaded and the form rebuilt in
 * place, keeping the focus on the same control.
 */
const feature = (page, name, title, controls, submit, { saveLabel = 'Save' } = {}) => {
  const status = el('p', { class: 'status', role: 'status' });
  const form = el(
    'form',
    { id: `feature-${page}-${name}`, 'data-feature': name, novalidate: true },
    el('fieldset', {}, el('legend', {}, title), ...controls, el('button', { type: 'submit' }, saveLabel), status),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    say(status, 'Saving…');
    try {
      const result = await submit(form);
      const changed = typeof result === 'boolean' ? result : result?.changed !== false;
      await reload(form.id, changed ? 'Saved.' : 'Nothing to change.');
    } catch (error) {
      say(status, explain(error), true);
    }
  });
  return form;
};

/** Reloads the data and rebuilds the portal, then puts the message and the focus back in the form `formId`. */
const reload = async (formId, message) => {
  const focusedName = document.activeElement?.getAttribute('name');
  await load();
  render();
  const form = $(formId);
  if (!form) return;
  say(form.querySelector('.status, .error'), message);
  const again = (focusedName && form.querySelector(`[name="${CSS.escape(focusedName)}"]`)) || form.querySelector('button[type="submit"]');
  again?.focus();
};

const nullable = (value) => (value === '' ? null : value);
const choices = (values, defaultText = 'System default') => [['', defaultText], ...values.map((v) => [v, v])];
const named = (pair, name) => {
  pair[1].setAttribute('name', name);
  return pair;
};

// --- phone settings -------------------------------------------------------------------------------

const renderPhone = () => {
  const item = selectedItem();
  const host = $('phone-features');
  const forms = [];
  if (item && item.kind !== 'remote-destination-profile') {
    const s = item.settings;
    if (visible('phone', 'General')) {
      const mac = named(
        field('MAC address', { value: s.macAddress ?? item.deviceName.replace(/^SEP/, ''), autocomplete: 'off', spellcheck: 'false' }),
        'macAddress',
      );
      const name = named(field('Phone name', { value: s.name ?? item.description ?? '', maxlength: 128 }), 'name');
      forms.push(
        feature('phone', 'General', 'General', [...(item.kind === 'phone' ? mac : []), ...name], async () => {
          let changed = false;
          const newName = name[1].value.trim();
          if (newName && newName !== (s.name ?? '')) {
            await send(`${phonePath(item)}/name`, 'PUT', { name: newName });
            changed = true;
          }
          if (item.kind === 'phone' && mac[1].value.trim() && mac[1].value.trim() !== (s.macAddress ?? '')) {
            await send(`${phonePath(item)}/mac-address`, 'PUT', { macAddress: mac[1].value.trim() });
            changed = true;
          }
          return changed;
        }),
      );
    }
    if (visible('phone', 'SpeedDials')) forms.push(speedDials(item));
    if (visible('phone', 'DoNotDisturb')) {
      const on = checkbox('Do not disturb', s.doNotDisturb.enabled, { name: 'dndEnabled' });
      const option = named(select('When a call comes in', DND_OPTIONS, s.doNotDisturb.incomingCallOption), 'dndOption');
      forms.push(
        feature('phone', 'DoNotDisturb', 'Do not disturb', [on, ...option], () =>
          send(`${phonePath(item)}/do-not-disturb`, 'PUT', {
            enabled: on.querySelector('input').checked,
            incomingCallOption: option[1].value,
          }),
        ),
      );
    }
    if (visible('phone', 'Locale')) {
      const user = named(select('User locale', choices(state.catalog.userLocales), s.locale.userLocale ?? ''), 'userLocale');
      const network = named(select('Network locale', choices(state.catalog.networkLocales), s.locale.networkLocale ?? ''), 'networkLocale');
      const display = named(select('Display language', choices(state.catalog.userLocales), s.displayLanguage ?? ''), 'displayLanguage');
      forms.push(
        feature('phone', 'Locale', 'Locale', [...user, ...network, ...display], async () => {
          await send(`${phonePath(item)}/locale`, 'PUT', {
            userLocale: nullable(user[1].value),
            networkLocale: nullable(network[1].value),
          });
          await send(`${phonePath(item)}/display-language`, 'PUT', { displayLanguage: nullable(display[1].value) });
        }),
      );
    }
    if (visible('phone', 'MusicOnHold')) forms.push(musicOnHold('phone', item.settings.musicOnHold, `${phonePath(item)}/music-on-hold`));
    if (visible('phone', 'Others')) {
      const labels = [
        ['speakerphone', 'Speakerphone'],
        ['speakerphoneAndHeadset', 'Speakerphone and headset'],
        ['video', 'Video'],
        ['pcPort', 'PC port'],
        ['extensionMobility', 'Extension mobility'],
      ];
      const boxes = labels.map(([key, text]) => [key, checkbox(text, s.options[key], { name: key })]);
      forms.push(
        feature(
          'phone',
          'Others',
          'Other settings',
          boxes.map(([, box]) => box),
          () =>
            send(
              `${phonePath(item)}/options`,
              'PATCH',
              Object.fromEntries(boxes.map(([key, box]) => [key, box.querySelector('input').checked])),
            ),
        ),
      );
    }
  }
  host.replaceChildren(...forms);
  $('phone-settings').hidden = forms.length === 0;
};

const speedDials = (item) => {
  const list = el('ul', { class: 'list', 'aria-label': 'Speed dials' });
  const row = (dial = { number: '', label: '' }) => {
    const n = uid('sd');
    const number = named(
      field('Number', { value: dial.number, inputmode: 'tel', id: `${n}-number`, 'data-role': 'number' }),
      `${n}-number`,
    );
    const label = named(field('Label', { value: dial.label, maxlength: 30, id: `${n}-label`, 'data-role': 'label' }), `${n}-label`);
    const li = el('li', {}, el('div', { class: 'row' }, el('div', {}, ...number), el('div', {}, ...label)));
    li.append(el('button', { type: 'button', class: 'secondary small', onclick: () => li.remove() }, 'Remove'));
    return li;
  };
  list.append(...item.settings.speedDials.map((d) => row(d)));
  const add = el(
    'button',
    {
      type: 'button',
      class: 'secondary',
      name: 'add-speed-dial',
      onclick: () => {
        const li = row();
        list.append(li);
        li.querySelector('input')?.focus();
      },
    },
    'Add a speed dial',
  );
  const help = el('p', { class: 'hint' }, 'A comma in a number waits 2 seconds before dialling the rest.');
  return feature('phone', 'SpeedDials', 'Speed dials', [help, list, add], () => {
    const speedDials = [...list.querySelectorAll('li')]
      .map((li) => ({
        number: li.querySelector('[data-role="number"]').value.trim(),
        label: li.querySelector('[data-role="label"]').value.trim(),
      }))
      .filter((d) => d.number !== '');
    return send(`${phonePath(item)}/speed-dials`, 'PUT', { speedDials });
  });
};

const musicOnHold = (page, current, path) => {
  const sources = choices(state.catalog.audioSources);
  const user = named(select('Hold audio source (when you hold)', sources, current.userHoldAudioSource ?? ''), 'userHoldAudioSource');
  const network = named(
    select('Hold audio source (network hold)', sources, current.networkHoldAudioSource ?? ''),
    'networkHoldAudioSource',
  );
  return feature(page, 'MusicOnHold', 'Music on hold', [...user, ...network], () =>
    send(path, 'PUT', { userHoldAudioSource: nullable(user[1].value), networkHoldAudioSource: nullable(network[1].value) }),
  );
};

// --- line settings ----------------------------------------------------------------------------------

/** A forward target control: off, voicemail or a number. */
const forwardControl = (title, target, key) => {
  const kind = target === null ? '' : target.to;
  const how = named(
    select(
      title,
      [
        ['', 'Not forwarded'],
        ['voicemail', 'To voicemail'],
        ['number', 'To a number'],
      ],
      kind,
    ),
    `${key}-to`,
  );
  const number = named(
    field(`${title}: number`, { value: target?.to === 'number' ? target.number : '', inputmode: 'tel' }),
    `${key}-number`,
  );
  const numberBox = el('div', { hidden: kind !== 'number' }, ...number);
  how[1].addEventListener('change', () => {
    numberBox.hidden = how[1].value !== 'number';
  });
  return {
    nodes: [...how, numberBox],
    value: () =>
      how[1].value === '' ? null : how[1].value === 'voicemail' ? { to: 'voicemail' } : { to: 'number', number: number[1].value.trim() },
  };
};

const renderLines = () => {
  const item = selectedItem();
  const host = $('line-features');
  const forms = [];
  const lineSelect = $('line-select');
  if (item && item.lines.length > 0) {
    lineSelect.replaceChildren(
      ...item.lines.map((l) =>
        el('option', { value: String(l.index), selected: l.index === state.line }, `Line ${l.index} (${l.directoryNumber})`),
      ),
    );
    lineSelect.onchange = () => {
      state.line = Number(lineSelect.value);
      renderLines();
    };
    const line = item.lines.find((l) => l.index === state.line) ?? item.lines[0];
    const s = line.settings;
    const path = linePath(item, line.index);
    if (visible('line', 'CallForward')) {
      const all = forwardControl('Forward all calls', s.callForward.all, 'all');
      const split = ['busy', 'noAnswer', 'unregistered'].map((cond) => {
        const title = { busy: 'When busy', noAnswer: 'When not answered', unregistered: 'When the phone is unregistered' }[cond];
        const internal = forwardControl(`${title}, internal callers`, s.callForward[cond].internal, `${cond}-internal`);
        const external = forwardControl(`${title}, external callers`, s.callForward[cond].external, `${cond}-external`);
        return { cond, internal, external };
      });
      forms.push(
        feature(
          'line',
          'CallForward',
          'Call forwarding',
          [...all.nodes, ...split.flatMap((x) => [...x.internal.nodes, ...x.external.nodes])],
          () =>
            send(`${path}/call-forward`, 'PUT', {
              all: all.value(),
              ...Object.fromEntries(split.map((x) => [x.cond, { internal: x.internal.value(), external: x.external.value() }])),
            }),
        ),
      );
    }
    if (visible('line', 'CallerId')) {
      const name = named(
        field('Caller ID name (empty: your directory name)', { value: s.callerId.displayName ?? '', maxlength: 30 }),
        'displayName',
      );
      const presentation = named(
        select(
          'Show your number',
          [
            ['allowed', 'Yes'],
            ['restricted', 'No (restricted)'],
          ],
          s.callerId.presentation,
        ),
        'presentation',
      );
      forms.push(
        feature('line', 'CallerId', 'Caller ID', [...name, ...presentation], () =>
          send(`${path}/caller-id`, 'PUT', { displayName: nullable(name[1].value.trim()), presentation: presentation[1].value }),
        ),
      );
    }
    if (visible('line', 'Notification')) {
      const n = s.notification;
      const callAudio = named(
        select(
          'Ring for calls',
          CALL_AUDIO.map((v) => [v, v]),
          n.calls.audio,
        ),
        'callAudio',
      );
      const callVisual = checkbox('Flash for calls', n.calls.visual, { name: 'callVisual' });
      const msgAudio = named(
        select(
          'Audible message waiting',
          MESSAGE_AUDIO.map((v) => [v, v]),
          n.messages.audio,
        ),
        'messageAudio',
      );
      const msgVisual = named(
        select(
          'Visual message waiting',
          MESSAGE_VISUAL.map((v) => [v, v]),
          n.messages.visual,
        ),
        'messageVisual',
      );
      forms.push(
        feature('line', 'Notification', 'Notification', [...callAudio, callVisual, ...msgAudio, ...msgVisual], () =>
          send(`${path}/notification`, 'PUT', {
            calls: { audio: callAudio[1].value, visual: callVisual.querySelector('input').checked },
            messages: { audio: msgAudio[1].value, visual: msgVisual[1].value },
          }),
        ),
      );
    }
    if (visible('line', 'MusicOnHold')) forms.push(musicOnHold('line', s.musicOnHold, `${path}/music-on-hold`));
  }
  host.replaceChildren(...forms);
  $('line-settings').hidden = forms.length === 0;
};

// --- single number reach ------------------------------------------------------------------------

const renderSnr = () => {
  const host = $('snr-features');
  const forms = [];
  if (visible('snr', 'AlternateNumbers')) {
    const existing = el(
      'ul',
      { class: 'list', 'aria-label': 'Alternate numbers' },
      state.snr.map((a) =>
        el(
          'li',
          {},
          el(
            'span',
            {},
            `${a.personal.number}${a.personal.description ? ` (${a.personal.description})` : ''}${a.reachMeAnywhere ? '' : ', reach me anywhere off'}${a.mobile ? ', mobile' : ''}`,
          ),
          el(
            'button',
            {
              type: 'button',
              class: 'secondary small',
              onclick: async (event) => {
                const status = event.target.closest('form').querySelector('.status, .error');
                try {
                  await send(`api/selfcare/snr/alternate-numbers/${encodeURIComponent(a.id)}`, 'DELETE');
                  await reload('feature-snr-AlternateNumbers', 'Removed.');
                } catch (error) {
                  say(status, explain(error), true);
                }
              },
            },
            `Remove ${a.personal.number}`,
          ),
        ),
      ),
    );
    const number = named(field('New alternate number', { inputmode: 'tel' }), 'number');
    const description = named(field('Description', { maxlength: 50 }), 'description');
    const anywhere = checkbox('Enable reach me anywhere', true, { name: 'reachMeAnywhere' });
    const mobile = checkbox('This is a mobile device', false, { name: 'mobile' });
    const timers = [
      ['answerTooSoon', 'Ignore an answer sooner than (tenths of a second)', 15],
      ['answerTooLate', 'Ring the alternate number for (tenths of a second)', 190],
      ['delayBeforeRinging', 'Let the desk phone ring alone for (tenths of a second)', 40],
    ].map(([key, text, value]) => [key, named(field(text, { type: 'number', min: 0, value: String(value) }), key)]);
    const lines = state.carousel.items.flatMap((item) =>
      item.lines.map((l) => [item.deviceName, l.index, checkbox(`${item.deviceName} line ${l.index} (${l.directoryNumber})`, true)]),
    );
    const linesBox =
      lines.length > 0 ? el('fieldset', {}, el('legend', {}, 'Lines it applies to'), ...lines.map(([, , box]) => box)) : null;
    forms.push(
      feature(
        'snr',
        'AlternateNumbers',
        'Alternate numbers',
        [existing, ...number, ...description, anywhere, mobile, ...timers.flatMap(([, pair]) => pair), linesBox],
        () =>
          send('api/selfcare/snr/alternate-numbers', 'POST', {
            number: number[1].value.trim(),
            ...(description[1].value.trim() ? { description: description[1].value.trim() } : {}),
            reachMeAnywhere: anywhere.querySelector('input').checked,
            mobile: mobile.querySelector('input').checked,
            timers: Object.fromEntries(timers.map(([key, pair]) => [key, Number(pair[1].value)])),
            lines: lines
              .filter(([, , box]) => box.querySelector('input').checked)
              .map(([deviceName, lineIndex]) => ({ deviceName, lineIndex })),
          }),
        { saveLabel: 'Add the alternate number' },
      ),
    );
  }
  host.replaceChildren(...forms);
  $('snr-settings').hidden = forms.length === 0;
};

// --- user settings -----------------------------------------------------------------------------------

const renderUser = () => {
  const host = $('user-features');
  const forms = [];
  const u = state.user;
  if (visible('user', 'Information')) {
    const first = named(field('First name', { value: u.personal.firstName ?? '', autocomplete: 'given-name' }), 'firstName');
    const last = named(field('Last name', { value: u.personal.lastName ?? '', autocomplete: 'family-name' }), 'lastName');
    const email = named(field('Email', { type: 'email', value: u.personal.email ?? '', autocomplete: 'email' }), 'email');
    const phones = state.carousel.items.filter((i) => i.kind === 'phone');
    const primary = named(
      select('Primary phone', [['', 'None chosen'], ...phones.map((p) => [p.deviceName, p.deviceName])], u.primaryPhone ?? ''),
      'primaryPhone',
    );
    forms.push(
      feature('user', 'Information', 'Your information', [...first, ...last, ...email, ...(phones.length > 0 ? primary : [])], async () => {
        let changed = false;
        const f = first[1].value.trim();
        const l = last[1].value.trim();
        if ((f !== (u.personal.firstName ?? '') || l !== (u.personal.lastName ?? '')) && f && l) {
          await send('api/selfcare/user/name', 'PUT', { firstName: f, lastName: l });
          changed = true;
        }
        const e = email[1].value.trim();
        if (e && e !== (u.personal.email ?? '')) {
          await send('api/selfcare/user/email', 'PUT', { email: e });
          changed = true;
        }
        if (phones.length > 0 && primary[1].value && primary[1].value !== (u.primaryPhone ?? '')) {
          await send('api/selfcare/user/primary-phone', 'PUT', { primaryPhone: primary[1].value });
          changed = true;
        }
        return changed;
      }),
    );
  }
  if (visible('user', 'Password')) {
    const current = named(field('Current password', { type: 'password', autocomplete: 'current-password' }), 'currentPassword');
    const next = named(field('New password', { type: 'password', autocomplete: 'new-password' }), 'newPassword');
    const again = named(field('New password again', { type: 'password', autocomplete: 'new-password' }), 'newPasswordAgain');
    // Password managers (and Chromium's accessibility check) want the user name beside a password form.
    const username = el('input', {
      type: 'text',
      name: 'username',
      autocomplete: 'username',
      value: state.userId,
      hidden: true,
      readonly: true,
    });
    forms.push(
      feature('user', 'Password', 'Password', [username, ...current, ...next, ...again], async () => {
        if (next[1].value !== again[1].value) throw new Error('The new passwords differ.');
        await send('api/selfcare/user/password', 'PUT', { currentPassword: current[1].value, newPassword: next[1].value });
      }),
    );
  }
  if (visible('user', 'Pin')) {
    const phonePin = named(field('New phone PIN', { type: 'password', inputmode: 'numeric', autocomplete: 'off' }), 'phonePin');
    const voicemailPin = named(field('New voicemail PIN', { type: 'password', inputmode: 'numeric', autocomplete: 'off' }), 'voicemailPin');
    forms.push(
      feature('user', 'Pin', 'PINs', [...phonePin, ...voicemailPin], async () => {
        let changed = false;
        if (phonePin[1].value) {
          await send('api/selfcare/user/phone-pin', 'PUT', { pin: phonePin[1].value });
          changed = true;
        }
        if (voicemailPin[1].value) {
          await send('api/selfcare/user/voicemail-pin', 'PUT', { pin: voicemailPin[1].value });
          changed = true;
        }
        return changed;
      }),
    );
  }
  host.replaceChildren(...forms);
  $('user-settings').hidden = forms.length === 0;
};

// --- start ---------------------------------------------------------------------------------------------

const start = async () => {
  try {
    const session = await api('api/selfcare/session');
    state.csrf = session.csrfToken;
    state.userId = session.userId;
    await showPortal();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) showLogin();
    else $('loading').textContent = explain(error);
  }
};

start();
