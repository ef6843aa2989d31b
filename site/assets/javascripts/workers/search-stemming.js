/* Search worker wrapper: the theme's worker plus stemming for whole words.
 *
 * The theme turns every typed word into a prefix query ("учителя" -> "учителя*") for
 * type-ahead, and lunr skips the stemmer for such terms, so a full word in another form than the
 * one on the page found nothing: "учителя" missed "учитель", although the index holds the stem
 * "учител". Here a prefix term is passed through the search pipeline first ("учител*"), so both
 * type-ahead and word forms work. The theme's worker sits next to this file; its name comes in
 * the query string (it carries a content hash) and must look like one of the theme's workers.
 *
 * Russian text is written both with "ё" and with "е" in its place ("ребёнка" / "ребенка"), so
 * both the words of the pages and the words of a query are indexed and looked up with "е":
 * either spelling finds the same pages. The pages themselves keep their "ё".
 */
(function () {
  "use strict";
  var name = new URL(self.location.href).searchParams.get("worker") || "";
  if (!/^search\.[0-9a-f]+\.min\.js$/.test(name)) {
    throw new Error("search-stemming: unexpected worker name " + name);
  }
  importScripts(name);

  function plainE(text) {
    return text.replace(/ё/g, "е").replace(/Ё/g, "Е");
  }

  // Words of the pages: each document goes to the index as a copy with "е"; the theme keeps
  // (and shows) its own, with "ё". (The theme sets its own tokenizer later, so the copy is made
  // where the builder takes a document.)
  var add = lunr.Builder.prototype.add;
  lunr.Builder.prototype.add = function (doc, attributes) {
    var copy = {};
    Object.keys(doc).forEach(function (key) {
      copy[key] = typeof doc[key] === "string" ? plainE(doc[key]) : doc[key];
    });
    return add.call(this, copy, attributes);
  };

  var query = lunr.Index.prototype.query;
  lunr.Index.prototype.query = function (build) {
    var pipeline = this.pipeline;
    return query.call(this, function (q) {
      build.call(q, q);
      q.clauses.forEach(function (clause) {
        clause.term = plainE(clause.term);
        var match = /^([^*]+)\*$/.exec(clause.term);
        if (!match || clause.usePipeline) return;
        var stems = pipeline.runString(match[1]);
        if (stems.length === 1 && stems[0]) clause.term = stems[0] + "*";
      });
    });
  };
})();
