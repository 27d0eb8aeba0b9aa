// confsite search: answers queries in the browser from the event's prebuilt
// index (search_index.json, written by `confsite build` with elasticlunr-rs).
//
// The query side is confsite's own code, not a copy of elasticlunr.js: the
// same tokenizer, trimmer, stop words and Porter stemmer as elasticlunr.js
// 0.9.5 (which elasticlunr-rs mirrors when it builds the index), and the same
// scoring (tf-idf with field-length norm, field boosts, prefix expansion with
// its penalty, coordination), computed in the same order so that scores are
// equal to the last bit and ties fall the same way. tests/js/search-client
// checks this against npm elasticlunr over every word of every index.
//
// Loaded as a classic script on every event page; also runs in Node (the
// tests), where it only defines globalThis.ConfsiteSearch.
(function (root) {
  'use strict';

  // ---- Text analysis: what elasticlunr.js does to query text. ----

  var SEPARATOR = /[\s-]+/;

  /** Lower-cases and splits on whitespace and hyphens (empty pieces included). */
  function tokenize(text) {
    if (text === null || text === undefined) return [];
    return String(text).trim().toLowerCase().split(SEPARATOR);
  }

  function isWordChar(code) {
    return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) ||
      (code >= 97 && code <= 122) || code === 95;
  }

  /** Strips leading and trailing non-word characters (ASCII word characters, as JS `\w`). */
  function trim(token) {
    var start = 0;
    var end = token.length;
    while (start < end && !isWordChar(token.charCodeAt(start))) start++;
    while (end > start && !isWordChar(token.charCodeAt(end - 1))) end--;
    return token.slice(start, end);
  }

  var STOP_WORDS = new Set(('a able about across after all almost also am among an and any are as at ' +
    'be because been but by can cannot could dear did do does either else ever every for from get got ' +
    'had has have he her hers him his how however i if in into is it its just least let like likely ' +
    'may me might most must my neither no nor not of off often on only or other our own rather said ' +
    'say says she should since so some than that the their them then there these they this tis to too ' +
    'twas us wants was we were what when where which while who whom why will with would yet you your').split(' '));

  function isStopWord(token) {
    return token === '' || STOP_WORDS.has(token);
  }

  // Porter's stemmer, with the letter classes elasticlunr.js uses: a, e, i,
  // o, u are vowels; y is a vowel after a consonant and a consonant after a
  // vowel; every other character (digits, accented letters, and the `Y` an
  // initial y is turned into) is a consonant.

  var AEIOU = 'aeiou';
  function isAeiou(ch) { return AEIOU.indexOf(ch) >= 0; }
  function isAeiouy(ch) { return ch === 'y' || isAeiou(ch); }

  /** Porter's m: the number of vowel-run/consonant-run pairs in [C](VC)^m[V]. */
  function measure(s) {
    var i = 0;
    var n = s.length;
    var m = 0;
    if (i < n && !isAeiou(s[i])) {
      i++;
      while (i < n && !isAeiouy(s[i])) i++;
    }
    while (i < n) {
      i++;
      while (i < n && isAeiou(s[i])) i++;
      if (i >= n) break;
      i++;
      while (i < n && !isAeiouy(s[i])) i++;
      m++;
    }
    return m;
  }

  /** True when s has a vowel after its leading consonants. */
  function hasVowel(s) {
    var i = 0;
    if (s.length && !isAeiou(s[0])) {
      i = 1;
      while (i < s.length && !isAeiouy(s[i])) i++;
    }
    return i < s.length;
  }

  /** consonant-run, one vowel, one consonant other than w, x, y: "hop", "crim". */
  function isShortCvc(s) {
    var n = s.length;
    if (n < 3 || 'aeiouwxy'.indexOf(s[n - 1]) >= 0 || !isAeiouy(s[n - 2]) || isAeiou(s[0])) return false;
    for (var i = 1; i < n - 2; i++) if (isAeiouy(s[i])) return false;
    return true;
  }

  function endsWith(s, suffix) {
    return s.length >= suffix.length && s.slice(s.length - suffix.length) === suffix;
  }

  /** The longest listed suffix of w that leaves at least one character before it. */
  function longestSuffix(w, suffixes) {
    for (var i = 0; i < suffixes.length; i++) {
      if (w.length > suffixes[i].length && endsWith(w, suffixes[i])) return suffixes[i];
    }
    return null;
  }

  function byLengthDesc(table) {
    return Object.keys(table).sort(function (a, b) { return b.length - a.length; });
  }

  var STEP2 = { ational: 'ate', tional: 'tion', enci: 'ence', anci: 'ance', izer: 'ize', bli: 'ble',
    alli: 'al', entli: 'ent', eli: 'e', ousli: 'ous', ization: 'ize', ation: 'ate', ator: 'ate',
    alism: 'al', iveness: 'ive', fulness: 'ful', ousness: 'ous', aliti: 'al', iviti: 'ive',
    biliti: 'ble', logi: 'log' };
  var STEP3 = { icate: 'ic', ative: '', alize: 'al', iciti: 'ic', ical: 'ic', ful: '', ness: '' };
  var STEP4 = ['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ou',
    'ism', 'ate', 'iti', 'ous', 'ive', 'ize'];
  var STEP2_SUFFIXES = byLengthDesc(STEP2);
  var STEP3_SUFFIXES = byLengthDesc(STEP3);
  var STEP4_SUFFIXES = STEP4.slice().sort(function (a, b) { return b.length - a.length; });

  function stem(word) {
    if (word.length < 3) return word;
    var w = word;
    var initialY = w[0] === 'y';
    if (initialY) w = 'Y' + w.slice(1);

    // 1a: plurals.
    if (w.length > 4 && endsWith(w, 'sses')) w = w.slice(0, -2);
    else if (w.length > 3 && endsWith(w, 'ies')) w = w.slice(0, -2);
    else if (w.length > 2 && w[w.length - 1] === 's' && w[w.length - 2] !== 's') w = w.slice(0, -1);

    // 1b: -eed, -ed, -ing.
    if (w.length > 3 && endsWith(w, 'eed')) {
      if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
    } else {
      var cut = w.length > 2 && endsWith(w, 'ed') ? 2 : w.length > 3 && endsWith(w, 'ing') ? 3 : 0;
      if (cut && hasVowel(w.slice(0, -cut))) {
        w = w.slice(0, -cut);
        var last = w[w.length - 1];
        if (endsWith(w, 'at') || endsWith(w, 'bl') || endsWith(w, 'iz')) w += 'e';
        else if (w.length >= 2 && last === w[w.length - 2] && 'aeiouylsz'.indexOf(last) < 0) w = w.slice(0, -1);
        else if (isShortCvc(w)) w += 'e';
      }
    }

    // 1c: y → i after a consonant that is not the first letter.
    if (w.length > 2 && w[w.length - 1] === 'y' && !isAeiou(w[w.length - 2])) w = w.slice(0, -1) + 'i';

    // 2 and 3: double suffixes to single ones, when the stem has m > 0.
    var suffix = longestSuffix(w, STEP2_SUFFIXES);
    if (suffix && measure(w.slice(0, -suffix.length)) > 0) w = w.slice(0, -suffix.length) + STEP2[suffix];
    suffix = longestSuffix(w, STEP3_SUFFIXES);
    if (suffix && measure(w.slice(0, -suffix.length)) > 0) w = w.slice(0, -suffix.length) + STEP3[suffix];

    // 4: -ant, -ence, … and -sion/-tion, when the stem has m > 1.
    suffix = longestSuffix(w, STEP4_SUFFIXES);
    if (suffix) {
      if (measure(w.slice(0, -suffix.length)) > 1) w = w.slice(0, -suffix.length);
    } else if (w.length > 4 && (endsWith(w, 'sion') || endsWith(w, 'tion'))) {
      if (measure(w.slice(0, -3)) > 1) w = w.slice(0, -3);
    }

    // 5: a final -e, and -ll → -l.
    if (w.length > 1 && w[w.length - 1] === 'e') {
      var base = w.slice(0, -1);
      var m = measure(base);
      if (m > 1 || (m === 1 && !isShortCvc(base))) w = base;
    }
    if (endsWith(w, 'll') && measure(w) > 1) w = w.slice(0, -1);

    if (initialY) w = 'y' + w.slice(1);
    return w;
  }

  /** Query text → index terms: tokenize, trim, drop stop words, stem. */
  function analyze(text) {
    var out = [];
    var tokens = tokenize(text);
    for (var i = 0; i < tokens.length; i++) {
      var t = trim(tokens[i]);
      if (!isStopWord(t)) out.push(stem(t));
    }
    return out;
  }

  // ---- The index: elasticlunr's JSON, read as it is. ----

  /** How results are ranked: OR over fields, prefix expansion, field boosts. */
  var QUERY_CONFIG = {
    fields: {
      title: { boost: 3 },
      speakers: { boost: 3 },
      track: { boost: 1.5 },
      room: { boost: 1 },
      tags: { boost: 2 },
      abstract: { boost: 1 }
    },
    bool: 'OR',
    expand: true
  };

  var own = Object.prototype.hasOwnProperty;

  function Index(data) {
    if (!data || !data.index || !data.documentStore || !Array.isArray(data.fields)) {
      throw new Error('not an elasticlunr index');
    }
    this.fields = data.fields;
    this.inverted = data.index;
    this.store = data.documentStore;
    this.idfCache = Object.create(null);
  }

  /** The trie node of `term` in `field`, walking UTF-16 code units as elasticlunr.js does. */
  Index.prototype.node = function (field, term) {
    if (!term) return null;
    var node = this.inverted[field].root;
    for (var i = 0; i < term.length; i++) {
      node = node[term[i]];
      if (!node) return null;
    }
    return node;
  };

  /** `term` itself when indexed, then every indexed term it is a prefix of (trie order). */
  Index.prototype.expand = function (field, term) {
    var found = [];
    var start = this.node(field, term);
    if (!start) return found;
    (function walk(prefix, node) {
      if (node.df > 0) found.push(prefix);
      for (var key in node) {
        if (key !== 'docs' && key !== 'df') walk(prefix + key, node[key]);
      }
    })(term, start);
    return found;
  };

  Index.prototype.idf = function (field, term) {
    var key = field + '/' + term;
    if (!(key in this.idfCache)) {
      var node = this.node(field, term);
      var df = node ? node.df : 0;
      this.idfCache[key] = 1 + Math.log(this.store.length / (df + 1));
    }
    return this.idfCache[key];
  };

  Index.prototype.fieldLength = function (ref, field) {
    if (!(ref in this.store.docs)) return 0;
    var info = this.store.docInfo[ref];
    return info && field in info ? info[field] : 0;
  };

  /** Scores of one field: each query term's matches summed, then scaled by the share of terms matched exactly. */
  Index.prototype.scoreField = function (terms, field, opts) {
    var scores = null;
    var matchedTerms = {};
    for (var t = 0; t < terms.length; t++) {
      var term = terms[t];
      var keys = opts.expand ? this.expand(field, term) : [term];
      var termScores = {};
      for (var k = 0; k < keys.length; k++) {
        var key = keys[k];
        var node = this.node(field, key);
        var docs = node ? node.docs : {};
        var idf = this.idf(field, key);
        var ref;
        if (scores && opts.bool === 'AND') {
          var kept = {};
          for (ref in scores) if (ref in docs) kept[ref] = docs[ref];
          docs = kept;
        }
        if (key === term) {
          for (ref in docs) (matchedTerms[ref] || (matchedTerms[ref] = [])).push(term);
        }
        for (ref in docs) {
          var length = this.fieldLength(ref, field);
          var norm = length !== 0 ? 1 / Math.sqrt(length) : 1;
          var penalty = key === term ? 1 : (1 - (key.length - term.length) / key.length) * 0.15;
          var score = docs[ref].tf * idf * norm * penalty;
          termScores[ref] = ref in termScores ? termScores[ref] + score : score;
        }
      }
      scores = merge(scores, termScores, opts.bool);
    }
    for (var doc in scores) {
      if (doc in matchedTerms) scores[doc] = scores[doc] * matchedTerms[doc].length / terms.length;
    }
    return scores;
  };

  function merge(total, scores, bool) {
    if (!total) return scores;
    var ref;
    if (bool === 'AND') {
      var both = {};
      for (ref in scores) if (ref in total) both[ref] = total[ref] + scores[ref];
      return both;
    }
    for (ref in scores) total[ref] = ref in total ? total[ref] + scores[ref] : scores[ref];
    return total;
  }

  /** Field settings as elasticlunr.js reads a search configuration. */
  function fieldOptions(config, fields) {
    var out = [];
    var bool = (config && config.bool) || 'OR';
    var expand = (config && config.expand) || false;
    if (config && config.fields) {
      for (var f in config.fields) {
        if (fields.indexOf(f) < 0) continue;
        var c = config.fields[f];
        out.push({
          field: f,
          boost: c.boost || c.boost === 0 ? c.boost : 1,
          bool: c.bool || bool,
          expand: c.expand !== undefined && c.expand !== null ? c.expand : expand
        });
      }
    } else {
      fields.forEach(function (f) { out.push({ field: f, boost: 1, bool: bool, expand: expand }); });
    }
    return out;
  }

  /** Ranked matches: [{ref, score, doc}], best first, ties in index order. */
  Index.prototype.search = function (query, config) {
    if (!query) return [];
    var terms = analyze(query);
    var total = {};
    var options = fieldOptions(config === undefined ? QUERY_CONFIG : config, this.fields);
    for (var i = 0; i < options.length; i++) {
      var o = options[i];
      if (o.boost === 0) continue;
      var scores = this.scoreField(terms, o.field, o);
      for (var ref in scores) {
        var s = scores[ref] * o.boost;
        total[ref] = ref in total ? total[ref] + s : s;
      }
    }
    var results = [];
    for (var r in total) results.push({ ref: r, score: total[r], doc: this.store.docs[r] || null });
    results.sort(function (a, b) { return b.score - a.score; });
    return results;
  };

  // ---- Highlighting: which displayed words the query matched. ----

  function fold(text) {
    return text.normalize('NFD').replace(/\p{M}/gu, '');
  }

  /** Does a displayed word (as typed, or without accents) index to a term that starts with a query term? */
  function wordMatches(word, terms) {
    var forms = [word, fold(word)];
    for (var f = 0; f < forms.length; f++) {
      var token = trim(forms[f].toLowerCase());
      if (isStopWord(token)) continue;
      var term = stem(token);
      for (var t = 0; t < terms.length; t++) {
        if (terms[t] && term.slice(0, terms[t].length) === terms[t]) return true;
      }
    }
    return false;
  }

  var EDGES = /^([^\p{L}\p{N}]*)([\s\S]*?)([^\p{L}\p{N}]*)$/u;

  /**
   * Splits `text` into [{text, match}] pieces for display: a word matches when
   * its index term starts with a query term (prefix expansion), punctuation
   * around it stays unmarked, and the space between two matched words is
   * marked with them ("Liz Rice" is one mark).
   */
  function highlight(text, terms) {
    var parts = String(text).split(/([\s-]+)/);
    var words = [];
    for (var i = 0; i < parts.length; i += 2) {
      var edges = EDGES.exec(parts[i]);
      words.push({ lead: edges[1], core: edges[2], trail: edges[3], match: !!edges[2] && wordMatches(parts[i], terms) });
    }
    var pieces = [];
    function push(piece, match) {
      if (!piece) return;
      var prev = pieces[pieces.length - 1];
      if (prev && prev.match === match) prev.text += piece;
      else pieces.push({ text: piece, match: match });
    }
    for (var w = 0; w < words.length; w++) {
      var word = words[w];
      if (word.match) {
        push(word.lead, false);
        push(word.core, true);
        push(word.trail, false);
      } else {
        push(parts[2 * w], false);
      }
      var next = words[w + 1];
      if (next) push(parts[2 * w + 1], word.match && !word.trail && next.match && !next.lead);
    }
    return pieces;
  }

  var api = {
    tokenize: tokenize,
    trim: trim,
    isStopWord: isStopWord,
    stopWords: function () { return Array.from(STOP_WORDS); },
    stem: stem,
    analyze: analyze,
    highlight: highlight,
    Index: Index,
    QUERY_CONFIG: QUERY_CONFIG
  };
  root.ConfsiteSearch = api;

  if (typeof document === 'undefined') return;

  // ---- The page: a search box in the nav, and the search page. ----

  var loads = {};

  /** Loads the index once: fetch where it works, the script version from file:// or when fetch fails. */
  function loadIndex(input) {
    var url = input.getAttribute('data-index');
    var scriptUrl = input.getAttribute('data-index-js');
    if (!loads[url]) {
      var viaScript = function () {
        return new Promise(function (resolve, reject) {
          var s = document.createElement('script');
          s.src = scriptUrl;
          s.onload = function () {
            var data = root.confsiteSearchIndex;
            delete root.confsiteSearchIndex;
            if (data) resolve(data); else reject(new Error('empty search index'));
          };
          s.onerror = function () { reject(new Error('cannot load ' + scriptUrl)); };
          document.head.appendChild(s);
        });
      };
      var data = location.protocol === 'file:' || !root.fetch
        ? viaScript()
        : fetch(url).then(function (r) {
          if (!r.ok) throw new Error(r.status + ' ' + url);
          return r.json();
        }).catch(viaScript);
      loads[url] = data.then(function (d) { return new Index(d); });
    }
    return loads[url];
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function appendHighlighted(parent, text, terms) {
    highlight(text, terms).forEach(function (p) {
      parent.appendChild(p.match ? el('mark', '', p.text) : document.createTextNode(p.text));
    });
  }

  var POPUP_LIMIT = 8;

  /**
   * One search box and where its results go. In the nav (`popup` given) the
   * box is an ARIA combobox over a listbox popup: focus stays in the box,
   * arrows move the active option, Enter opens it, Escape closes the popup
   * and then clears the box. On the search page (`pageMode`) results are a
   * plain list of links: arrows move between the box and the links.
   */
  function SearchBox(input, list, status, popup, pageMode) {
    this.input = input;
    this.list = list;
    this.status = status;
    this.popup = popup;
    this.pageMode = pageMode;
    this.active = -1;
    this.options = [];
    this.base = (input.getAttribute('data-index') || '').replace(/[^/]*$/, '');
    this.searchPage = input.form ? input.form.getAttribute('action') : '';
    this.seq = 0;
    var self = this;
    if (popup) {
      input.setAttribute('role', 'combobox');
      input.setAttribute('aria-autocomplete', 'list');
      input.setAttribute('aria-controls', list.id);
      input.setAttribute('aria-expanded', 'false');
      // Keep focus in the box while an option is clicked; close when focus leaves.
      popup.addEventListener('mousedown', function (e) { e.preventDefault(); });
      list.addEventListener('click', function (e) {
        var li = e.target.closest ? e.target.closest('[role=option]') : null;
        if (li) self.follow(li, e);
      });
      input.addEventListener('blur', function () { self.close(); });
    } else {
      list.addEventListener('keydown', function (e) { self.listKey(e); });
    }
    input.addEventListener('focus', function () {
      loadIndex(input).catch(function () {});
      if (popup && input.value.trim()) self.run();
    });
    input.addEventListener('input', function () { self.run(); });
    input.addEventListener('keydown', function (e) { self.key(e); });
  }

  SearchBox.prototype.run = function () {
    var self = this;
    var query = this.input.value;
    var seq = ++this.seq;
    if (this.pageMode) {
      var url = new URL(location.href);
      if (query.trim()) url.searchParams.set('q', query); else url.searchParams.delete('q');
      history.replaceState(null, '', url);
    }
    if (!query.trim()) {
      this.show([], query, null);
      return;
    }
    if (!this.index) this.setStatus('Loading the search index…');
    loadIndex(this.input).then(function (index) {
      self.index = index;
      if (seq === self.seq) self.show(index.search(query), query, analyze(query));
    }, function () {
      if (seq === self.seq) self.setStatus('Search is unavailable: the index could not be loaded.');
    });
  };

  SearchBox.prototype.setStatus = function (text) {
    this.status.textContent = text;
    if (this.popup) this.open(true);
  };

  /** The lines of one result: title and speakers with matched words marked, then time and room. */
  function resultLines(parent, doc, terms) {
    var title = el('span', 'search-result-title');
    appendHighlighted(title, doc.title || '', terms);
    parent.appendChild(title);
    if (doc.speakers) {
      var sp = el('span', 'search-result-speakers');
      appendHighlighted(sp, doc.speakers, terms);
      parent.appendChild(sp);
    }
    var meta = [doc.time, doc.room].filter(Boolean).join(' · ');
    if (meta) parent.appendChild(el('span', 'search-result-meta', meta));
  }

  SearchBox.prototype.show = function (results, query, terms) {
    var list = this.list;
    while (list.firstChild) list.removeChild(list.firstChild);
    this.options = [];
    this.setActive(-1);
    if (!query.trim()) {
      this.status.textContent = '';
      list.removeAttribute('data-query');
      this.open(false);
      return;
    }
    var shown = this.pageMode ? results : results.slice(0, POPUP_LIMIT);
    for (var i = 0; i < shown.length; i++) {
      var doc = shown[i].doc || {};
      var href = new URL(this.base + (doc.url || ''), location.href).href;
      var li = el('li', 'search-result');
      if (this.pageMode) {
        var a = el('a');
        a.href = href;
        resultLines(a, doc, terms);
        li.appendChild(a);
        list.appendChild(li);
      } else {
        resultLines(li, doc, terms);
        this.addOption(li, href);
      }
    }
    if (shown.length < results.length) {
      var more = el('li', 'search-more', 'Show all ' + results.length + ' results');
      this.addOption(more, new URL(this.searchPage + '?q=' + encodeURIComponent(query), location.href).href);
    }
    list.setAttribute('data-query', query);
    if (results.length === 0) {
      this.status.textContent = 'No sessions match “' + query.trim() + '”.';
    } else {
      this.status.textContent = results.length === 1 ? '1 session found.' : results.length + ' sessions found.';
    }
    this.open(true);
  };

  SearchBox.prototype.addOption = function (li, href) {
    li.id = this.list.id + '-' + this.options.length;
    li.setAttribute('role', 'option');
    li.setAttribute('aria-selected', 'false');
    li.setAttribute('data-href', href);
    this.list.appendChild(li);
    this.options.push(li);
  };

  SearchBox.prototype.follow = function (li, e) {
    var href = li.getAttribute('data-href');
    if (!href) return;
    // Ctrl/⌘-click or a middle click opens a new tab, as a link would.
    if (e && (e.ctrlKey || e.metaKey || e.button === 1)) window.open(href, '_blank', 'noopener');
    else location.href = href;
  };

  SearchBox.prototype.open = function (yes) {
    if (!this.popup) return;
    this.input.setAttribute('aria-expanded', yes && this.options.length ? 'true' : 'false');
    this.popup.hidden = !yes;
  };

  SearchBox.prototype.close = function () {
    this.open(false);
    this.setActive(-1);
  };

  SearchBox.prototype.setActive = function (i) {
    if (this.active >= 0 && this.options[this.active]) this.options[this.active].setAttribute('aria-selected', 'false');
    this.active = i;
    if (!this.popup) return;
    if (i < 0) {
      this.input.removeAttribute('aria-activedescendant');
      return;
    }
    var li = this.options[i];
    li.setAttribute('aria-selected', 'true');
    this.input.setAttribute('aria-activedescendant', li.id);
    if (li.scrollIntoView) li.scrollIntoView({ block: 'nearest' });
  };

  SearchBox.prototype.key = function (e) {
    if (e.key === 'Escape') {
      if (this.popup && !this.popup.hidden) {
        e.preventDefault();
        this.close();
      } else if (this.input.value) {
        e.preventDefault();
        this.input.value = '';
        this.run();
      }
      return;
    }
    if (this.pageMode) {
      var first = this.list.querySelector('a');
      if (e.key === 'ArrowDown' && first) {
        e.preventDefault();
        first.focus();
      } else if (e.key === 'Enter') {
        e.preventDefault();
      }
      return;
    }
    var n = this.options.length;
    var closed = this.popup.hidden;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!n) return;
      e.preventDefault();
      if (closed) { this.open(true); return; }
      var step = e.key === 'ArrowDown' ? 1 : -1;
      this.setActive(this.active < 0 ? (step > 0 ? 0 : n - 1) : (this.active + step + n) % n);
    } else if (e.key === 'Enter' && this.active >= 0 && !closed) {
      e.preventDefault();
      this.follow(this.options[this.active]);
    }
  };

  /** Arrows between the result links of the search page; up from the first returns to the box. */
  SearchBox.prototype.listKey = function (e) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    var links = Array.prototype.slice.call(this.list.querySelectorAll('a'));
    var i = links.indexOf(document.activeElement);
    if (i < 0) return;
    e.preventDefault();
    var next = e.key === 'ArrowDown' ? Math.min(i + 1, links.length - 1) : i - 1;
    if (next < 0) this.input.focus(); else links[next].focus();
  };

  function status(id) {
    var p = el('p', 'search-status');
    p.id = id;
    p.setAttribute('role', 'status');
    return p;
  }

  function init() {
    var nav = document.getElementById('search-q');
    if (nav && nav.getAttribute('data-index')) {
      var popup = el('div', 'search-popup');
      popup.hidden = true;
      var list = el('ul', 'search-results');
      list.id = 'search-q-results';
      list.setAttribute('role', 'listbox');
      list.setAttribute('aria-label', 'Matching sessions');
      var st = status('search-q-status');
      popup.appendChild(st);
      popup.appendChild(list);
      nav.parentNode.appendChild(popup);
      new SearchBox(nav, list, st, popup, false);
    }
    var pageInput = document.getElementById('search-page-q');
    var results = document.getElementById('search-results');
    if (pageInput && results && pageInput.getAttribute('data-index')) {
      var pageList = el('ul', 'search-results search-results-page');
      pageList.id = 'search-page-q-results';
      pageList.setAttribute('aria-label', 'Matching sessions');
      var pageStatus = status('search-page-q-status');
      results.appendChild(pageStatus);
      results.appendChild(pageList);
      var box = new SearchBox(pageInput, pageList, pageStatus, null, true);
      var q = new URLSearchParams(location.search).get('q');
      if (q) {
        pageInput.value = q;
        box.run();
      }
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})(typeof globalThis !== 'undefined' ? globalThis : this);
