// Passage selection and highlighting (theme/static/js/search-passage.js), on the engine's own
// query rewriting and the shared folding pairs. Run: node --test tests/js/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const fs = require("node:fs");
const engine = require("../../theme/static/js/search-engine.js");
const P = require("../../theme/static/js/search-passage.js");

const fold = JSON.parse(
  fs.readFileSync(path.join(__dirname, "..", "fixtures", "tokenizer_vectors.json"), "utf8")).fold;

function passage(text, query, options) {
  return P.passage(text, engine.rewriteQuery(query, fold, ["title", "body"]), fold, options);
}

// the text a passage shows, without its marks and ellipses
function plain(html) {
  return html.replace(/<\/?mark>/g, "").replace(/^…|…$/g, "").replace(/&amp;/g, "&");
}

function marked(html) {
  return [...html.matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]);
}

const FILLER = "这是一段与查询无关的文字，用来把文章拉长。".repeat(6);

test("a Traditional query marks the Simplified text", () => {
  const p = passage(`${FILLER}\n民进党在台湾的地方选举中失利，党主席请辞。${FILLER}`, "臺灣");
  assert.deepEqual(marked(p.html), ["台湾"]);
  assert.ok(p.matched);
  assert.ok(plain(p.html).startsWith("民进党在台湾"), p.html);
});

test("a Simplified query marks Traditional text", () => {
  const p = passage("北京時間週一，國家主席習近平會見了來訪的外賓，雙方討論了貿易問題。", "习近平");
  assert.deepEqual(marked(p.html), ["習近平"]);
});

test("a multi-word query's passage holds both words", () => {
  const text = [
    "特朗普周一在白宫发表讲话，谈到了经济问题和就业数据。" + FILLER,
    FILLER,
    "分析人士指出，特朗普与拜登的第一场电视辩论将在克利夫兰举行，双方将就疫情展开交锋。",
    "拜登的竞选团队随后发表声明。" + FILLER,
  ].join("\n");
  const p = passage(text, "特朗普 拜登");
  const shown = plain(p.html);
  assert.ok(shown.includes("特朗普") && shown.includes("拜登"), p.html);
  assert.deepEqual(marked(p.html), ["特朗普", "拜登"]);
});

test("the passage is 80 to 140 characters, cut after sentences or clauses", () => {
  const sentence = "第一句话讲的是天气，天气很好。";
  const text = sentence.repeat(10) + "第十一句提到了马丘比丘的游客人数，游客人数增加了。" + sentence.repeat(10);
  const p = passage(text, "马丘比丘");
  const shown = Array.from(plain(p.html));
  assert.ok(shown.length >= 80 && shown.length <= 140, `${shown.length}: ${p.html}`);
  assert.ok(plain(p.html).includes("马丘比丘"));
  assert.match(shown.join(""), /[。，]$/);
  assert.ok(p.html.startsWith("…") || /^(第|天气)/.test(plain(p.html)), p.html);
});

test("the window prefers the earliest of equally good passages", () => {
  const text = `香港${FILLER}${FILLER}香港${FILLER}`;
  assert.equal(passage(text, "香港").start, 0);
});

test("a text without a match (title-only) shows the lead paragraph", () => {
  const text = "图片来源：Getty\n巴西圣保罗州州长多利亚周三表示，希望中国科兴公司研发的新冠疫苗能在12月上市，" +
    "并在明年1月开始为民众接种。" + FILLER + "\n第二段。";
  const p = passage(text, "普京");
  assert.equal(p.matched, false);
  assert.ok(plain(p.html).startsWith("巴西圣保罗州州长"), p.html);
  assert.deepEqual(marked(p.html), []);
  assert.ok(Array.from(plain(p.html)).length <= 140);
});

test("Latin words match by stem and by prefix", () => {
  const text = "Voters said the elected officials had ignored them. Trump's campaign disagreed.";
  assert.deepEqual(marked(passage(text, "elections").html), ["elected"]);
  assert.deepEqual(marked(passage(text, "camp*").html), ["campaign"]);
  assert.deepEqual(marked(passage(text, "TRUMP").html), ["Trump"]);
});

test("a long sentence without punctuation is cut near the match, at a space", () => {
  const words = Array.from({ length: 60 }, (_, i) => `word${i}`);
  words[40] = "Instagram";
  const p = passage(words.join(" "), "instagram");
  assert.ok(p.html.startsWith("…") && p.html.endsWith("…"), p.html);
  assert.match(p.html, /^…word\d+ /); // whole words
  assert.ok(Array.from(plain(p.html)).length <= 140);
  assert.deepEqual(marked(p.html), ["Instagram"]);
});

test("excluded words are not marked, and HTML is escaped", () => {
  const p = passage("香港<b>与</b>台湾 & 北京。", "香港 -台湾");
  assert.deepEqual(marked(p.html), ["香港"]);
  assert.ok(p.html.includes("&lt;b&gt;") && p.html.includes("&amp;"), p.html);
});

test("a word's parts joined by a hyphen are marked as one", () => {
  const html = passage("美国总统特朗普确诊COVID-19，白宫周五宣布。", "COVID-19").html;
  assert.deepEqual(marked(html), ["COVID-19"]);
  assert.deepEqual(marked(passage("COVID and 19 - apart", "COVID-19").html), ["COVID", "19"]);
});

test("a single character query marks it", () => {
  assert.deepEqual(marked(passage("这里有一只猫在睡觉。", "猫").html), ["猫"]);
});

test("highlight marks a whole title", () => {
  const rewritten = engine.rewriteQuery("香港國安法", fold, ["title", "body"]);
  assert.equal(P.highlight("北京通过香港国安法", rewritten, fold), "北京通过<mark>香港国安法</mark>");
});

test("shorter passages for the header box", () => {
  const text = "第一句话讲的是天气，天气很好。".repeat(10) + "马丘比丘的游客增加了。" + "天气很好。".repeat(10);
  const p = passage(text, "马丘比丘", { min: 30, max: 70 });
  const n = Array.from(plain(p.html)).length;
  assert.ok(n >= 10 && n <= 70 && plain(p.html).includes("马丘比丘"), p.html);
});

// The passage reads only the lines lineTest admits; {scanAll: true} reads every line. The two
// must agree: on every sample article (raw files, tags as line breaks) for a range of queries,
// and on lines whose only match comes through a character's normalisation.
test("reading only the admitted lines gives the passage reading every line gives", () => {
  const dir = path.join(__dirname, "..", "..", "content", "articles");
  const files = fs.readdirSync(dir, { recursive: true }).filter((f) => /\.(md|html)$/.test(f));
  assert.ok(files.length >= 40, files.length);
  const texts = files.map((f) => fs.readFileSync(path.join(dir, f), "utf8").replace(/<[^>]+>/g, "\n"));
  const queries = ["普京", "臺灣", "习近平", "美国 中国 贸易", "COVID-19", "TikTok", "trump", "elect*",
    "中*", "猫", "新冠病毒", "特朗普 拜登", "香港 -台湾", "Getty"];
  let matched = 0;
  for (const q of queries) {
    for (const text of texts) {
      const fast = passage(text, q), full = passage(text, q, { scanAll: true });
      assert.deepEqual(fast, full, `${q}`);
      if (fast.matched) matched++;
    }
  }
  assert.ok(matched > 150, matched); // the queries do match: the comparison is not of empty passages
});

// A text of only PLAIN characters is normalised in one pass (normalizePlain); the matches must
// be those of normalising each character on its own: on the sample articles' lines and on a
// line holding every PLAIN character that is not ASCII or an ideograph, between words.
test("normalising a plain line in one pass finds the matches normalising each character finds", () => {
  const dir = path.join(__dirname, "..", "..", "content", "articles");
  const lines = fs.readdirSync(dir, { recursive: true }).filter((f) => /\.(md|html)$/.test(f))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), "utf8").replace(/<[^>]+>/g, "\n").split("\n"));
  const punctuation = [];
  for (const [, from, to] of P.PLAIN.matchAll(/\\u([0-9a-f]{4})(?:-\\u([0-9a-f]{4}))?/g)) {
    for (let c = parseInt(from, 16); c <= parseInt(to || from, 16); c++) {
      if (c >= 0x80 && (c < 0x4e00 || c > 0x9fff)) punctuation.push(String.fromCharCode(c));
    }
  }
  assert.equal(punctuation.length, 91);
  lines.push(punctuation.map((ch) => `香港${ch}Trump${ch}習近平${ch}`).join(""));
  let found = 0;
  for (const q of ["香港", "习近平", "trump", "美国 中国", "COVID-19", "elect*", "中*"]) {
    const rewritten = engine.rewriteQuery(q, fold, ["title", "body"]);
    for (const line of lines) {
      const once = P.matches(line, rewritten, fold), each = P.matches(line, rewritten, fold, true);
      assert.deepEqual(once, each, `${q}: ${line.slice(0, 60)}`);
      found += once.spans.length;
    }
  }
  assert.ok(found > 1000, found);
});

test("a match that only normalisation reveals is found", () => {
  const cases = [
    ["开头一行没有要找的词。\n本公司㍿的年报。", "株式", "㍿"],
    ["第一行。\n美国总统特朗普确诊ＣＯＶＩＤ－１９，白宫宣布。", "covid", "ＣＯＶＩＤ"],
    ["第一行。\n俄罗斯总统普\u200b京周一表示。", "普京", "普\u200b京"],
    ["第一行。\n國家主席習近平會見外賓。", "习近平", "習近平"],
    ["First line.\nTRUMP said so.", "trump", "TRUMP"],
  ];
  for (const [text, q, mark] of cases) {
    const fast = passage(text, q), full = passage(text, q, { scanAll: true });
    assert.deepEqual(fast, full, q);
    assert.deepEqual(marked(fast.html), [mark], `${q}: ${fast.html}`);
  }
});
