// 信报 xinbao archive search: runs in the browser from the index files that
// `xinbao build` writes (search/docs.js and search/shard-K.js), also from file://.
// Keys follow src/site/search.rs: Chinese bigrams, a lone last character with a
// space, lowercase ASCII words. Report text is only ever put in the page as text.
(function () {
  'use strict';
  var XB = window.XB || (window.XB = {});
  var ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  var VALUE = {};
  for (var i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;
  var MAX_WORD = 32, LIMIT = 200;
  var shards = {}, waiting = {};

  XB.shard = function (k, han, words) {
    shards[k] = { han: han, words: words };
    (waiting[k] || []).forEach(function (done) { done(); });
    delete waiting[k];
  };

  function loadShard(k) {
    return new Promise(function (resolve, reject) {
      if (shards[k]) return resolve(shards[k]);
      var first = !waiting[k];
      (waiting[k] = waiting[k] || []).push(function () { resolve(shards[k]); });
      if (first) {
        var script = document.createElement('script');
        script.src = 'search/shard-' + k + '.js';
        script.onerror = function () { reject(new Error('search/shard-' + k + '.js')); };
        document.head.appendChild(script);
      }
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

  function show(doc, query) {
    var li = element('li', 'item');
    var a = element('a', 'title');
    a.href = 'reports/' + encodeURIComponent(doc[0]) + '.html';
    a.appendChild(marked(doc[1], query));
    li.appendChild(a);
    var meta = element('span', 'meta');
    meta.appendChild(element('span', 'tag c-' + doc[3], XB.categories[doc[3]] || doc[3]));
    meta.appendChild(element('span', '', doc[2]));
    meta.appendChild(element('span', '', doc[4]));
    meta.appendChild(element('span', 'state', doc[5]));
    if (doc[7]) meta.appendChild(element('span', 'state s-late', XB.late));
    li.appendChild(meta);
    var summary = element('p', 'summary');
    summary.appendChild(marked(doc[6], query));
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
      var docs = found === null ? XB.docs.map(function (_, i) { return i; }) : found;
      var hits = docs.map(function (i) { return XB.docs[i]; }).filter(function (doc) {
        return (!category || doc[3] === category) && (!unit || doc[2] === unit) &&
          (!from || doc[4] >= from) && (!to || doc[4] <= to) && (!late || doc[7]);
      });
      // Titles with the whole query first; otherwise newest first.
      var lower = query.toLowerCase();
      hits.sort(function (a, b) {
        var ta = lower && a[1].toLowerCase().indexOf(lower) >= 0 ? 0 : 1;
        var tb = lower && b[1].toLowerCase().indexOf(lower) >= 0 ? 0 : 1;
        return ta - tb || (a[4] < b[4] ? 1 : a[4] > b[4] ? -1 : 0);
      });
      results.textContent = '';
      if (!hits.length) return say('none');
      say('found', hits.length);
      hits.slice(0, LIMIT).forEach(function (doc) { results.appendChild(show(doc, query)); });
      if (hits.length > LIMIT) {
        results.appendChild(element('li', 'more', status.dataset.more.replace('{n}', LIMIT)));
      }
    }, function (error) {
      status.textContent = String(error);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
})();
