// 信报 xinbao archive search: runs in the browser from the index files that
// `xinbao build` writes (search/docs.js, search/shard-K.js and
// search/summary-K.js), also from file://.
// Keys follow src/site/search.rs: Chinese bigrams, a lone last character with a
// space, lowercase ASCII words. Report text is only ever put in the page as text.
(function () {
  'use strict';
  var XB = window.XB || (window.XB = {});
  var ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  var VALUE = {};
  for (var i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;
  var MAX_WORD = 32, LIMIT = 200;
  var loaded = {}, waiting = {};

  // An index file announces itself by calling XB.shard or XB.summary.
  function arrived(file, value) {
    loaded[file] = value;
    (waiting[file] || []).forEach(function (done) { done(); });
    delete waiting[file];
  }
  XB.shard = function (k, han, words) { arrived('shard-' + k, { han: han, words: words }); };
  XB.summary = function (k, list) { arrived('summary-' + k, list); };

  // Loads search/FILE.js once (a <script>: browsers do not fetch from file://).
  function load(file) {
    return new Promise(function (resolve, reject) {
      if (loaded[file]) return resolve(loaded[file]);
      var first = !waiting[file];
      (waiting[file] = waiting[file] || []).push(function () { resolve(loaded[file]); });
      if (first) {
        var script = document.createElement('script');
        script.src = 'search/' + file + '.js';
        script.onerror = function () { reject(new Error('search/' + file + '.js')); };
        document.head.appendChild(script);
      }
    });
  }

  function loadShard(k) { return load('shard-' + k); }

  // The summaries of the reports numbered `numbers`, loading only their files.
  function summaries(numbers) {
    var files = {};
    numbers.forEach(function (n) { files[Math.floor(n / XB.summaries)] = true; });
    return Promise.all(Object.keys(files).map(function (k) {
      return load('summary-' + k);
    })).then(function () {
      return numbers.map(function (n) {
        return loaded['summary-' + Math.floor(n / XB.summaries)][n % XB.summaries];
      });
    });
  }

  // The Chinese keys under one first character: second character → postings.
  function entries(text) {
    var out = {}, second = null, start = 0, i = 0;
    for (var ch of text) {
      if (VALUE[ch.charCodeAt(0)] === undefined) {
        if (second !== null) out[second] = text.slice(start, i);
        second = ch;
        start = i + ch.length;
      }
      i += ch.length;
    }
    if (second !== null) out[second] = text.slice(start);
    return out;
  }

  function decode(text) {
    var docs = [], previous = -1, n = 0, scale = 1;
    for (var i = 0; i < text.length; i++) {
      var v = VALUE[text.charCodeAt(i)];
      n += (v & 31) * scale;
      if (v < 32) {
        previous = previous + 1 + n;
        docs.push(previous);
        n = 0;
        scale = 1;
      } else {
        scale *= 32;
      }
    }
    return docs;
  }

  function isHan(x) {
    return (x >= 0x3400 && x <= 0x4DBF) || (x >= 0x4E00 && x <= 0x9FFF) ||
      (x >= 0xF900 && x <= 0xFAFF) || (x >= 0x20000 && x <= 0x3134F);
  }

  function fold(x) {
    if (x >= 0xFF01 && x <= 0xFF5E) x -= 0xFEE0;
    if (x >= 65 && x <= 90) x += 32;
    return x;
  }

  function isWord(x) { return (x >= 48 && x <= 57) || (x >= 97 && x <= 122); }

  // A query's terms: {key} must be present; {prefix} matches any key starting with it.
  function terms(query) {
    var out = [], han = [], word = '';
    function flushHan() {
      if (han.length === 1) out.push({ prefix: han[0] });
      for (var i = 0; i + 1 < han.length; i++) out.push({ key: han[i] + han[i + 1] });
      han = [];
    }
    function flushWord() {
      if (word) out.push({ prefix: word.slice(0, MAX_WORD) });
      word = '';
    }
    for (var ch of query) {
      var x = fold(ch.codePointAt(0)), c = String.fromCodePoint(x);
      if (isHan(x)) { flushWord(); han.push(c); }
      else if (isWord(x)) { flushHan(); word += c; }
      else { flushHan(); flushWord(); }
    }
    flushHan();
    flushWord();
    return out;
  }

  function shardOf(text) { return text.codePointAt(0) % XB.shards; }

  function union(lists) {
    var seen = {};
    lists.forEach(function (list) { list.forEach(function (d) { seen[d] = true; }); });
    return Object.keys(seen).map(Number).sort(function (a, b) { return a - b; });
  }

  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) i++;
      else if (a[i] > b[j]) j++;
      else { out.push(a[i]); i++; j++; }
    }
    return out;
  }

  function docsFor(term) {
    var text = term.key || term.prefix;
    return loadShard(shardOf(text)).then(function (shard) {
      var lists = [];
      var first = String.fromCodePoint(text.codePointAt(0));
      if (isHan(text.codePointAt(0))) {
        var found = entries(shard.han[first] || '');
        var second = text.slice(first.length);
        for (var key in found) if (!second || key === second) lists.push(decode(found[key]));
      } else {
        for (var word in shard.words) if (word.indexOf(text) === 0) lists.push(decode(shard.words[word]));
      }
      return union(lists);
    });
  }

  function search(query) {
    var list = terms(query);
    if (!list.length) return Promise.resolve(null);
    return Promise.all(list.map(docsFor)).then(function (sets) {
      return sets.reduce(intersect);
    });
  }

  // Text with every occurrence of `needle` in <mark>, built as DOM nodes.
  function marked(text, needle) {
    var span = document.createElement('span');
    var at = needle ? text.toLowerCase().indexOf(needle.toLowerCase()) : -1;
    var from = 0;
    while (at >= 0) {
      span.appendChild(document.createTextNode(text.slice(from, at)));
      var mark = document.createElement('mark');
      mark.textContent = text.slice(at, at + needle.length);
      span.appendChild(mark);
      from = at + needle.length;
      at = text.toLowerCase().indexOf(needle.toLowerCase(), from);
    }
    span.appendChild(document.createTextNode(text.slice(from)));
    return span;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // One result: doc is [id, title, unit, category, date, state, late].
  function show(doc, summaryText, query) {
    var li = element('li', 'item');
    var a = element('a', 'title');
    a.href = 'reports/' + encodeURIComponent(doc[0]) + '.html';
    a.appendChild(marked(doc[1], query));
    li.appendChild(a);
    var meta = element('span', 'meta');
    meta.appendChild(element('span', 'tag c-' + doc[3], XB.categories[doc[3]] || doc[3]));
    meta.appendChild(element('span', '', XB.units[doc[2]]));
    meta.appendChild(element('span', '', doc[4]));
    meta.appendChild(element('span', 'state', XB.states[doc[5]]));
    if (doc[6]) meta.appendChild(element('span', 'state s-late', XB.late));
    li.appendChild(meta);
    var summary = element('p', 'summary');
    summary.appendChild(marked(summaryText, query));
    li.appendChild(summary);
    return li;
  }

  function run() {
    var params = new URLSearchParams(window.location.search);
    var form = document.getElementById('search');
    ['q', 'category', 'unit', 'from', 'to'].forEach(function (name) {
      var field = form.elements[name];
      if (field && params.get(name)) field.value = params.get(name);
    });
    var late = params.get('late') === '1';
    if (form.elements.late) form.elements.late.checked = late;
    var query = (params.get('q') || '').trim();
    var category = params.get('category') || '', unit = params.get('unit') || '';
    var from = params.get('from') || '', to = params.get('to') || '';
    var status = document.getElementById('status'), results = document.getElementById('results');
    var say = function (key, n) { status.textContent = status.dataset[key].replace('{n}', n); };
    if (!query && !category && !unit && !from && !to && !late) return say('empty');
    say('loading');
    search(query).then(function (found) {
      var numbers = found === null ? XB.docs.map(function (_, i) { return i; }) : found;
      var hits = numbers.filter(function (i) {
        var doc = XB.docs[i];
        return (!category || doc[3] === category) && (!unit || XB.units[doc[2]] === unit) &&
          (!from || doc[4] >= from) && (!to || doc[4] <= to) && (!late || doc[6]);
      });
      // Titles with the whole query first; otherwise newest first.
      var lower = query.toLowerCase();
      var inTitle = function (i) { return lower && XB.docs[i][1].toLowerCase().indexOf(lower) >= 0 ? 0 : 1; };
      hits.sort(function (a, b) {
        var da = XB.docs[a][4], db = XB.docs[b][4];
        return inTitle(a) - inTitle(b) || (da < db ? 1 : da > db ? -1 : 0);
      });
      results.textContent = '';
      if (!hits.length) return say('none');
      var shown = hits.slice(0, LIMIT);
      return summaries(shown).then(function (texts) {
        say('found', hits.length);
        shown.forEach(function (i, k) { results.appendChild(show(XB.docs[i], texts[k], query)); });
        if (hits.length > LIMIT) {
          results.appendChild(element('li', 'more', status.dataset.more.replace('{n}', LIMIT)));
        }
      });
    }, function (error) {
      status.textContent = String(error);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
})();
