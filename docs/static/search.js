/* The site's search page: lunr over window.SEARCH_DOCUMENTS (written by docs/search.py), built in
   the browser when the page opens. Works from file:// and with no network. */
(function () {
  "use strict";
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  var documents = window.SEARCH_DOCUMENTS || [];
  if (!query) {
    status.textContent = "Type a word or a name into the search box above: for example " +
      "“margin”, “Crammer-Singer” or “train_linear_svm”.";
    return;
  }
  var index = lunr(function () {
    this.ref("id");
    this.field("title", {boost: 6});
    this.field("section", {boost: 4});
    this.field("text");
    documents.forEach(function (doc, id) {
      this.add({id: String(id), title: doc.title, section: doc.section, text: doc.text});
    }, this);
  });
  var tokens = lunr.tokenizer(query).map(String).filter(Boolean);

  function run(presence) {
    return index.query(function (q) {
      tokens.forEach(function (token) {
        q.term(token, {presence: presence});
        q.term(token, {presence: lunr.Query.presence.OPTIONAL, boost: 0.2,
                       wildcard: lunr.Query.wildcard.TRAILING});
      });
    });
  }
  // Every word first; if nothing has them all, any of them.
  var results = run(lunr.Query.presence.REQUIRED);
  if (!results.length) results = run(lunr.Query.presence.OPTIONAL);

  function snippet(text) {
    var lower = text.toLowerCase(), at = -1;
    query.toLowerCase().split(/[\s\-]+/).some(function (word) {
      at = word ? lower.indexOf(word) : -1;
      return at >= 0;
    });
    var start = Math.max(0, at - 80);
    var piece = text.slice(start, start + 240);
    return (start > 0 ? "… " : "") + piece + (start + 240 < text.length ? " …" : "");
  }

  results.slice(0, 30).forEach(function (result) {
    var doc = documents[Number(result.ref)];
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = doc.url;
    link.textContent = doc.section ? doc.title + ": " + doc.section : doc.title;
    var excerpt = document.createElement("p");
    excerpt.textContent = snippet(doc.text);
    item.appendChild(link);
    item.appendChild(excerpt);
    list.appendChild(item);
  });
  var shown = Math.min(results.length, 30);
  status.textContent = results.length
    ? results.length + (results.length === 1 ? " section matches " : " sections match ") +
      "“" + query + "”" + (shown < results.length ? " (the best " + shown + " below)." : ".")
    : "Nothing matches “" + query + "”. Try another word, or fewer words.";
  document.title = "Search: " + query + " | " + document.title.replace(/^Search \| /, "");
})();
