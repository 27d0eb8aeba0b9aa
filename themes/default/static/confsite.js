// confsite default theme: enhancements for an event's pages. Every page is
// complete without this script; with it, attendees get stars and My agenda
// (kept in localStorage), calendar files made in the browser, a time zone
// toggle, filters that live in the URL, "now & next", an offline copy through
// a service worker, and door-sign printing.
//
// The clock can be set for tests and demos, as an ISO 8601 instant, by the
// `?now=` query parameter, `window.CONFSITE_NOW`, or localStorage
// `confsite:now` (in that order); time then runs on from that instant.
(function () {
  'use strict';
  const body = document.body;
  const EVENT = body.dataset.event;
  if (!EVENT) return;
  const ROOT = body.dataset.root || '';
  const EVENT_TZ = body.dataset.tz || 'UTC';
  const LANG = document.documentElement.lang || 'en';
  const EVENT_URL = new URL(ROOT + EVENT + '/', location.href);
  const KEY = 'confsite:' + EVENT_URL.pathname;
  const CANONICAL = (document.querySelector('link[rel=canonical]') || location).href;
  const params = new URLSearchParams(location.search);
  const $$ = (sel, scope) => Array.from((scope || document).querySelectorAll(sel));
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };

  // ---- storage (a private window may refuse it: fall back to memory) ----
  const memory = {};
  function load(name, fallback) {
    try {
      const v = localStorage.getItem(name);
      return v === null ? fallback : JSON.parse(v);
    } catch (e) {
      return name in memory ? memory[name] : fallback;
    }
  }
  function save(name, value) {
    memory[name] = value;
    try { localStorage.setItem(name, JSON.stringify(value)); } catch (e) { /* memory only */ }
  }

  // ---- clock ----
  let injected = params.get('now') || window.CONFSITE_NOW;
  if (!injected) { try { injected = localStorage.getItem('confsite:now'); } catch (e) { /* none */ } }
  const fixed = injected ? Date.parse(injected) : NaN;
  const loaded = Date.now();
  const now = () => new Date(isNaN(fixed) ? Date.now() : fixed + (Date.now() - loaded));

  // ---- time zones ----
  const LOCAL_TZ = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  let tzMode = load('confsite:tz', 'event');
  const zone = () => (tzMode === 'local' ? LOCAL_TZ : EVENT_TZ);
  const formats = {};
  function format(tz, kind, date) {
    const options = {
      time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
      ymd: { year: 'numeric', month: '2-digit', day: '2-digit' },
      day: { weekday: 'short', day: 'numeric', month: 'short' },
      long: { weekday: 'long', day: 'numeric', month: 'long' },
      zone: { timeZoneName: 'short' },
    }[kind];
    const key = tz + kind;
    const f = formats[key] || (formats[key] = new Intl.DateTimeFormat(kind === 'ymd' ? 'en-CA' : LANG, Object.assign({ timeZone: tz }, options)));
    if (kind === 'zone') return (f.formatToParts(date).find((p) => p.type === 'timeZoneName') || {}).value || '';
    return f.format(date);
  }
  /** `10:00`, or `03:00 (Fri 14 Nov)` when the shown zone is on another date than the event. */
  function clock(date, tz) {
    let text = format(tz, 'time', date);
    if (tz !== EVENT_TZ && format(tz, 'ymd', date) !== format(EVENT_TZ, 'ymd', date)) {
      text += ' (' + format(tz, 'day', date) + ')';
    }
    return text;
  }
  // Zone abbreviations as at the program's dates (summer time differs), not today's.
  const firstTime = document.querySelector('time[datetime*="T"]');
  const zoneDate = firstTime ? new Date(firstTime.getAttribute('datetime')) : now();
  const zoneLabel = (tz) => tz + ' (' + format(tz, 'zone', zoneDate) + ')';

  function showTimes() {
    const tz = zone();
    for (const t of $$('time[datetime*="T"]')) {
      if (!('eventText' in t.dataset)) t.dataset.eventText = t.textContent;
      t.textContent = tz === EVENT_TZ ? t.dataset.eventText : clock(new Date(t.getAttribute('datetime')), tz);
    }
    for (const z of $$('.zone-name, .zone-abbr')) {
      if (!('eventText' in z.dataset)) z.dataset.eventText = z.textContent;
      z.textContent = tz === EVENT_TZ ? z.dataset.eventText : z.classList.contains('zone-abbr') ? format(tz, 'zone', zoneDate) : zoneLabel(tz);
    }
    for (const n of $$('.zone-note')) n.textContent = tz === EVENT_TZ ? '' : ', your time zone';
    for (const b of $$('.tz-toggle')) {
      b.hidden = LOCAL_TZ === EVENT_TZ;
      b.setAttribute('aria-pressed', String(tz !== EVENT_TZ));
      b.textContent = 'Use my time zone (' + LOCAL_TZ + ')';
    }
  }
  document.addEventListener('click', (e) => {
    if (!e.target.closest('.tz-toggle')) return;
    tzMode = tzMode === 'local' ? 'event' : 'local';
    save('confsite:tz', tzMode);
    showTimes();
    document.dispatchEvent(new Event('confsite:tz'));
  });

  // ---- sessions on the page ----
  const sessionsIn = (scope) => $$('[data-session][data-uid]', scope);
  const titleOf = (s) => (s.querySelector('.title') || s).textContent.trim();
  const linkOf = (s) => {
    const a = s.querySelector('.title a');
    return a ? new URL(a.getAttribute('href'), CANONICAL).href : CANONICAL;
  };
  function speakersOf(s) {
    const list = s.querySelector('.speakers');
    if (!list) return '';
    const names = $$('a', list).map((a) => a.textContent.trim());
    return names.length ? names.join(', ') : list.textContent.trim();
  }

  // ---- iCalendar made in the browser: same UIDs as the feeds ----
  const icsText = (s) => String(s).replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
  const icsTime = (iso) => new Date(iso).toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  /** Folds a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character. */
  function fold(line) {
    let out = '';
    let bytes = 0;
    for (const ch of line) {
      const cp = ch.codePointAt(0);
      const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > 75) {
        out += '\r\n ';
        bytes = 1;
      }
      out += ch;
      bytes += n;
    }
    return out;
  }
  function calendar(sessions, name) {
    const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//confsite//browser agenda//EN',
      'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', 'X-WR-CALNAME:' + icsText(name)];
    const stamp = icsTime(now().toISOString());
    for (const s of sessions) {
      const d = s.dataset;
      if (!d.start) continue;
      const url = linkOf(s);
      const speakers = speakersOf(s);
      lines.push('BEGIN:VEVENT', 'UID:' + d.uid, 'DTSTAMP:' + stamp, 'DTSTART:' + icsTime(d.start));
      if (d.end) lines.push('DTEND:' + icsTime(d.end));
      lines.push('SUMMARY:' + icsText(titleOf(s)));
      if (d.location) lines.push('LOCATION:' + icsText(d.location));
      lines.push('DESCRIPTION:' + icsText((speakers ? speakers + '\n\n' : '') + url), 'URL:' + url, 'END:VEVENT');
    }
    lines.push('END:VCALENDAR');
    return lines.map(fold).join('\r\n') + '\r\n';
  }
  function download(filename, text) {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/calendar;charset=utf-8' }));
    const a = el('a');
    a.href = url;
    a.download = filename;
    body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  // ---- stars ----
  const STARS = KEY + ':stars';
  let stars = new Set(load(STARS, []));
  const STAR_SVG = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 2.8l2.8 5.8 6.3.9-4.6 4.4 1.1 6.3L12 17.2l-5.6 3 1.1-6.3L2.9 9.5l6.3-.9z"/></svg>';
  function setStar(slug, on) {
    if (on) stars.add(slug); else stars.delete(slug);
    save(STARS, Array.from(stars));
    syncStars();
    document.dispatchEvent(new Event('confsite:stars'));
  }
  function syncStars() {
    for (const b of $$('button.star')) b.setAttribute('aria-pressed', String(stars.has(b.dataset.star)));
  }
  function addStars() {
    for (const s of sessionsIn()) {
      const slug = s.dataset.session;
      const b = el('button', 'star');
      b.type = 'button';
      b.dataset.star = slug;
      b.innerHTML = STAR_SVG;
      const slot = s.querySelector('.star-slot');
      let note = null;
      if (slot) {
        b.append(el('span', null, 'Star this session'));
        note = el('span', 'star-note');
        note.setAttribute('role', 'status');
        slot.append(b, ' ', note);
      } else {
        // Last in reading order (after the title); the style puts it in the corner.
        b.append(el('span', 'visually-hidden', 'Star: ' + titleOf(s)));
        s.append(b);
      }
      b.addEventListener('click', () => {
        setStar(slug, !stars.has(slug));
        if (note) note.textContent = stars.has(slug) ? 'Added to My agenda.' : 'Removed from My agenda.';
      });
    }
    syncStars();
    window.addEventListener('storage', (e) => {
      if (e.key !== STARS) return;
      stars = new Set(load(STARS, []));
      syncStars();
      document.dispatchEvent(new Event('confsite:stars'));
    });
  }

  // ---- My agenda ----
  function initAgenda() {
    const box = document.getElementById('agenda');
    if (!box) return;
    const shared = params.has('s') ? params.get('s').split(/[\s,]+/).filter(Boolean) : null;
    const items = sessionsIn(box);
    const part = (cls) => box.querySelector('.' + cls);
    part('agenda-intro').hidden = false;
    let shown = [];

    function render(reveal) {
      const chosen = shared ? new Set(shared) : stars;
      if (reveal) {
        for (const s of items) s.hidden = !chosen.has(s.dataset.session);
        for (const g of $$('.day-group', box)) g.hidden = !g.querySelector('[data-session]:not([hidden])');
      }
      shown = items.filter((s) => !s.hidden && (shared || stars.has(s.dataset.session)));
      // Clashes: starred sessions whose times overlap.
      for (const c of $$('.clash', box)) c.remove();
      const timed = shown.filter((s) => s.dataset.start).map((s) => ({
        s, start: Date.parse(s.dataset.start), end: Date.parse(s.dataset.end || s.dataset.start),
      }));
      let clashes = 0;
      for (const a of timed) {
        const others = timed.filter((b) => b !== a && b.start < a.end && a.start < b.end);
        if (!others.length) continue;
        clashes++;
        const p = el('p', 'clash', 'Clashes with ');
        others.forEach((b, i) => {
          const link = el('a', null, titleOf(b.s));
          link.href = b.s.querySelector('.title a').getAttribute('href');
          p.append(i ? ', ' : '', link);
        });
        a.s.insertBefore(p, a.s.querySelector(':scope > button.star'));
      }
      part('agenda-empty').hidden = shown.length > 0 || !!shared;
      part('agenda-tools').hidden = shown.length === 0;
      const n = shown.length;
      part('agenda-summary').textContent = n === 0 ? '' : n + (n === 1 ? ' session' : ' sessions') +
        (clashes ? ', ' + clashes + ' of them clashing with another.' : ', no clashes.');
      if (shared) {
        part('agenda-shared').hidden = false;
        part('agenda-shared-text').textContent = 'This is an agenda someone shared with you: ' + n + (n === 1 ? ' session.' : ' sessions.');
      }
    }
    render(true);
    // Unstarring here keeps the session in view (focus stays put); reloading hides it.
    document.addEventListener('confsite:stars', () => render(false));

    part('agenda-keep').addEventListener('click', () => {
      for (const slug of shared || []) stars.add(slug);
      save(STARS, Array.from(stars));
      syncStars();
      part('agenda-shared-text').textContent = 'Added to My agenda.';
    });
    part('agenda-ics').addEventListener('click', () => {
      download(EVENT + '-my-agenda.ics', calendar(shown, 'My agenda · ' + body.dataset.eventName));
    });
    part('agenda-share').addEventListener('click', () => {
      const url = new URL(CANONICAL.startsWith('http') ? CANONICAL : location.href);
      url.search = '';
      url.hash = '';
      url.searchParams.set('s', shown.map((s) => s.dataset.session).join(' '));
      const field = document.getElementById('agenda-link');
      field.value = url.href;
      part('agenda-link').hidden = false;
      field.focus();
      field.select();
      if (navigator.clipboard) {
        navigator.clipboard.writeText(url.href).then(() => {
          part('agenda-summary').textContent = 'Link copied: anyone who opens it sees these sessions.';
        }, () => {});
      }
    });
  }

  // ---- filters (list and grid) ----
  function initFilters() {
    const form = document.getElementById('filters');
    const scope = document.getElementById('session-list') || document.getElementById('grid');
    if (!form || !scope) return;
    const items = sessionsIn(scope);
    const selects = $$('select', form);
    const test = {
      day: (s, v) => s.dataset.day === v,
      track: (s, v) => (s.dataset.tracks || '').split(' ').includes(v),
      room: (s, v) => s.dataset.room === v,
      kind: (s, v) => s.dataset.kind === v,
    };
    // Offer only choices that show something on this page.
    for (const sel of selects) {
      for (const o of Array.from(sel.options)) {
        if (o.value && !items.some((s) => test[sel.name](s, o.value))) o.remove();
      }
      if (sel.options.length < 3) sel.closest('.filter').hidden = true;
      const wanted = params.get(sel.name);
      if (wanted && Array.from(sel.options).some((o) => o.value === wanted)) sel.value = wanted;
    }
    const status = document.querySelector('.filter-status');
    const exportBox = document.querySelector('.filter-export');
    const exportButton = exportBox.querySelector('button');
    let visible = items;
    let active = {};

    function apply() {
      active = {};
      for (const sel of selects) if (sel.value && !sel.closest('.filter').hidden) active[sel.name] = sel.value;
      const keys = Object.keys(active);
      visible = [];
      for (const s of items) {
        s.hidden = !keys.every((k) => test[k](s, active[k]));
        if (!s.hidden) visible.push(s);
      }
      for (const g of $$('.day-group', scope)) g.hidden = !g.querySelector('[data-session]:not([hidden])');
      const url = new URL(location.href);
      for (const sel of selects) {
        if (active[sel.name]) url.searchParams.set(sel.name, active[sel.name]); else url.searchParams.delete(sel.name);
      }
      history.replaceState(history.state, '', url);
      // Moving to another day keeps the filters.
      const query = new URLSearchParams(active).toString();
      for (const a of $$('.day-nav a, .day-links a')) {
        a.setAttribute('href', a.getAttribute('href').split('?')[0] + (query ? '?' + query : ''));
      }
      const timed = visible.filter((s) => s.dataset.start);
      status.textContent = keys.length ? 'Showing ' + visible.length + ' of ' + items.length + ' sessions.' : '';
      exportBox.hidden = !keys.length || timed.length === 0;
      exportButton.textContent = 'Add these ' + timed.length + (timed.length === 1 ? ' session' : ' sessions') + ' to my calendar (.ics)';
    }
    form.hidden = false;
    form.addEventListener('change', apply);
    // Clear the choices here rather than after the browser's own reset, so the
    // list is already filtered again when the click handler returns.
    form.addEventListener('reset', (e) => {
      e.preventDefault();
      for (const sel of selects) sel.value = '';
      apply();
    });
    form.addEventListener('submit', (e) => e.preventDefault());
    exportButton.addEventListener('click', () => {
      const name = [EVENT].concat(Object.values(active)).join('-');
      const label = body.dataset.eventName + ' · ' + selects.filter((s) => active[s.name]).map((s) => s.selectedOptions[0].textContent).join(', ');
      download(name + '.ics', calendar(visible, label));
    });
    apply();
  }

  // ---- now: marks on sessions and the grid, "now & next" on the home page ----
  function markNow() {
    const t = now().getTime();
    for (const b of $$('.now-badge')) b.remove();
    for (const s of sessionsIn()) {
      const on = s.dataset.start && Date.parse(s.dataset.start) <= t && t < Date.parse(s.dataset.end || s.dataset.start);
      s.classList.toggle('is-now', !!on);
      const when = s.querySelector('.when') || s.querySelector('.facts dd');
      if (on && when) when.prepend(el('span', 'now-badge', 'Now'), ' ');
    }
    const grid = document.getElementById('grid');
    if (!grid) return;
    for (const l of $$('.now-line', grid)) l.remove();
    const rows = $$('.grid-time', grid).map((d) => ({ line: +d.dataset.line, t: Date.parse(d.querySelector('time').getAttribute('datetime')) }));
    for (let i = 0; i + 1 < rows.length; i++) {
      if (rows[i].t <= t && t < rows[i + 1].t) {
        const line = el('div', 'now-line');
        line.style.gridRow = rows[i].line + ' / ' + rows[i + 1].line;
        line.style.top = (100 * (t - rows[i].t) / (rows[i + 1].t - rows[i].t)).toFixed(2) + '%';
        line.append(el('span', null, 'Now ' + clock(new Date(t), zone())));
        grid.append(line);
      }
    }
  }

  function initNowNext() {
    const box = document.getElementById('now-next');
    const data = document.getElementById('program');
    if (!box || !data) return;
    const items = $$('[data-start]', data.content).map((p) => {
      const a = p.querySelector('a');
      return {
        start: Date.parse(p.dataset.start),
        end: Date.parse(p.dataset.end || p.dataset.start),
        room: p.dataset.location || 'Other places',
        title: a.textContent,
        href: a.getAttribute('href'),
      };
    });
    if (!items.length) return;
    const roomOrder = $$('.rooms li', data.content).map((li) => li.textContent);
    const out = box.querySelector('.now-next-body');
    const first = Math.min(...items.map((s) => s.start));
    const last = Math.max(...items.map((s) => s.end));
    const link = (s) => {
      const a = el('a', null, s.title);
      a.href = s.href;
      return a;
    };
    const when = (t) => format(zone(), 'long', new Date(t)) + ' at ' + clock(new Date(t), zone());
    let shownText = null;

    function render() {
      const t = now().getTime();
      const tz = zone();
      const frag = document.createDocumentFragment();
      if (t < first) {
        const p = el('p', null, 'The program starts on ' + when(first) + '. First up: ');
        items.filter((s) => s.start === first).forEach((s, i) => p.append(i ? ', ' : '', link(s)));
        frag.append(p);
      } else if (t >= last) {
        frag.append(el('p', null, 'This event is over. The program stays here for reference.'));
      } else {
        const today = format(EVENT_TZ, 'ymd', new Date(t));
        const rooms = new Map(roomOrder.map((name) => [name, { now: [], next: null }]));
        for (const s of items) {
          if (!rooms.has(s.room)) rooms.set(s.room, { now: [], next: null });
          const r = rooms.get(s.room);
          if (s.start <= t && t < s.end) r.now.push(s);
          else if (s.start > t && !r.next && format(EVENT_TZ, 'ymd', new Date(s.start)) === today) r.next = s;
        }
        const list = el('ul', 'now-rooms');
        for (const [name, r] of rooms) {
          if (!r.now.length && !r.next) continue;
          const li = el('li');
          li.append(el('h3', null, name));
          for (const s of r.now) {
            const p = el('p', 'now');
            p.append(el('span', 'label', 'Now'), ' ', link(s), ' until ' + clock(new Date(s.end), tz));
            li.append(p);
          }
          if (r.next) {
            const p = el('p', 'next');
            p.append(el('span', 'label', 'Next'), ' ' + clock(new Date(r.next.start), tz) + ' ', link(r.next));
            li.append(p);
          }
          list.append(li);
        }
        const upcoming = items.filter((s) => s.start > t).sort((a, b) => a.start - b.start)[0];
        if (!list.children.length) {
          frag.append(el('p', null, 'Nothing is on right now.' + (upcoming ? ' The program continues on ' + when(upcoming.start) + '.' : '')));
        } else {
          frag.append(el('p', 'now-clock', 'It is ' + clock(new Date(t), tz) + '.'), list);
        }
      }
      const text = Array.from(frag.childNodes, (n) => n.textContent).join('|');
      if (text === shownText) return;
      shownText = text;
      out.replaceChildren(frag);
    }
    box.hidden = false;
    render();
    setInterval(render, 30000);
    document.addEventListener('confsite:tz', () => { shownText = null; render(); });
  }

  // ---- offline: the service worker, and saying when a page is a saved copy ----
  function initOffline() {
    const note = document.getElementById('offline-note');
    const copy = body.dataset.offlineCopy;
    function show() {
      if (!note) return;
      let text = '';
      if (copy !== undefined) {
        const saved = Date.parse(copy);
        text = 'No connection: you are reading the copy of this page saved' +
          (isNaN(saved) ? '' : ' on ' + format(zone(), 'day', new Date(saved)) + ' at ' + format(zone(), 'time', new Date(saved))) + '.';
      } else if (navigator.onLine === false) {
        text = 'You are offline. The program you have opened before still works.';
      }
      note.textContent = text;
      note.hidden = !text;
    }
    window.addEventListener('online', show);
    window.addEventListener('offline', show);
    show();
    if ('serviceWorker' in navigator && /^https?:$/.test(location.protocol)) {
      navigator.serviceWorker.register(new URL('sw.js', EVENT_URL).href, { scope: EVENT_URL.pathname })
        .then(() => navigator.serviceWorker.ready)
        .then((reg) => { if (reg.active) reg.active.postMessage({ type: 'check' }); })
        .catch(() => { /* no offline copy: the site still works online */ });
    }
  }

  // ---- door signs: print one room's day ----
  function initPrint() {
    for (const section of $$('.door-sign')) {
      const p = section.querySelector('.print-sign');
      if (!p) continue;
      p.hidden = false;
      p.querySelector('button').addEventListener('click', () => {
        body.classList.add('print-one-sign');
        section.classList.add('print-target');
        window.print();
      });
    }
    window.addEventListener('afterprint', () => {
      body.classList.remove('print-one-sign');
      for (const s of $$('.print-target')) s.classList.remove('print-target');
    });
  }

  addStars();
  initAgenda();
  initFilters();
  initNowNext();
  showTimes();
  markNow();
  setInterval(markNow, 30000);
  document.addEventListener('confsite:tz', markNow);
  initOffline();
  initPrint();
}());
