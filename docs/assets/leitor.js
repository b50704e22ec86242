// Lê uma mensagem de erro colada na página "Ler uma mensagem".
// A tabela de padrões vem do próprio site (diagnostico/padroes.json, gerada
// de snippets/diagnostico.py no build) e só é baixada quando há texto para
// ler. O texto nunca sai do navegador: nada é enviado a lugar nenhum.
(function () {
  "use strict";

  var script = document.currentScript;
  var root = new URL("../", script.src);
  var tableUrl = new URL("diagnostico/padroes.json", root);
  var loading = null;
  var LIMIT = 200000; // o mesmo MESSAGE_LIMIT do comando

  function loadTable() {
    if (!loading) {
      loading = fetch(tableUrl, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("tabela: HTTP " + r.status);
        return r.json();
      });
    }
    return loading;
  }

  function search(pattern, text) {
    return new RegExp(pattern, "i").exec(text);
  }

  function anySignal(patterns, text) {
    return patterns.some(function (p) { return search(p, text); });
  }

  function where(table, text) {
    for (var i = 0; i < table.onde.length; i++) {
      var match = search(table.onde[i][0], text);
      if (match) {
        var found = {};
        table.onde[i][1].forEach(function (field, n) { found[field] = match[n + 1]; });
        return found;
      }
    }
    return {};
  }

  function fill(table, template, values) {
    var safe = new RegExp("^(?:" + table.seguro + ")$", "i");
    return template.replace(/\{(host|porta|caminho)\}/g, function (_, field) {
      var value = values[field];
      return value && safe.test(value) ? value : field.toUpperCase();
    });
  }

  // O mesmo algoritmo de read_message() em diagnostico.py.
  function read(table, text) {
    text = text.slice(0, LIMIT);
    var kindId = null;
    for (var i = 0; i < table.sinais.length; i++) {
      if (search(table.sinais[i][0], text)) { kindId = table.sinais[i][1]; break; }
    }
    var kind = kindId ? table.tipos[kindId] : table.generico;
    var whoId = "programa";
    Object.keys(table.quem).some(function (name) {
      if (anySignal(table.quem[name].sinais, text)) { whoId = name; return true; }
      return false;
    });
    var who = table.quem[whoId];
    var library = null;
    table.bibliotecas.some(function (row) {
      if (anySignal(row.sinais, text)) { library = row; return true; }
      return false;
    });
    var found = where(table, text);
    var host = found.host || null;
    if (host && host.charAt(0) === "[" && host.charAt(host.length - 1) === "]") {
      host = host.slice(1, -1);
    }
    var port = /^\d+$/.test(found.porta || "") ? parseInt(found.porta, 10) : null;
    if (port !== null && (port < 1 || port > 65535)) port = null;
    var address = null;
    table.enderecos.some(function (row) {
      if (host && search(row.padrao, host)) { address = row; return true; }
      return false;
    });
    var values = { host: host, porta: port ? String(port) : null, caminho: found.caminho || null };
    var refusal = kindId === null || kindId === "recusada";
    var page, steps;
    if (whoId !== "programa" && refusal) {
      // Um programa que a mensagem nomeia responde no lugar do "quem" geral.
      page = (library && library.quem === whoId ? library : who).pagina;
      steps = who.passos;
    } else if (kindId === null) {
      page = kind.pagina; steps = kind.passos;
    } else if (refusal && address && address.pagina) {
      page = address.pagina; steps = kind.passos;
    } else if (refusal && library) {
      page = library.pagina; steps = (library.passos || []).concat(kind.passos);
    } else {
      page = kind.pagina; steps = kind.passos;
    }
    return {
      reconhecida: kindId !== null,
      tipo: kindId,
      tipo_nome: kind.nome,
      explicacao: kind.explicacao,
      quem: whoId,
      quem_nome: who.nome,
      quem_explicacao: fill(table, who.explicacao, values),
      host: host,
      porta: port,
      caminho: found.caminho || null,
      biblioteca: library ? library.id : null,
      biblioteca_nome: library ? library.nome : null,
      biblioteca_pagina: library ? library.pagina : null,
      notas: address ? [address.nota] : [],
      passos: steps.map(function (s) { return fill(table, s, values); }),
      pagina: page
    };
  }

  function element(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    return node;
  }

  function link(page, text) {
    return element("a", text, { href: new URL(page, root).href });
  }

  function reportUrl(table, text) {
    var params = new URLSearchParams({
      template: "mensagem.yml",
      title: "Mensagem não reconhecida",
      mensagem: text.slice(0, 1500)
    });
    return table.repo + "/issues/new?" + params.toString();
  }

  function row(list, term, content) {
    list.appendChild(element("dt", term));
    var dd = element("dd");
    if (typeof content === "string") dd.textContent = content; else dd.appendChild(content);
    list.appendChild(dd);
  }

  function show(table, text, out) {
    var r = read(table, text);
    out.textContent = "";
    out.dataset.tipo = r.tipo || "";
    out.dataset.quem = r.quem;
    out.dataset.host = r.host || "";
    out.dataset.porta = r.porta ? String(r.porta) : "";
    out.dataset.caminho = r.caminho || "";
    out.dataset.pagina = r.pagina;
    out.dataset.tamanho = String(text.length);
    out.appendChild(element("h2", r.tipo_nome, { id: "leitura" }));
    out.appendChild(element("p", r.explicacao));
    var list = element("dl");
    if (r.reconhecida) row(list, "Quem recusou", r.quem_nome);
    var place = r.caminho ? "socket " + r.caminho
      : r.host || r.porta ? (r.host || "(host não informado)") + (r.porta ? " porta " + r.porta : "")
      : "não aparece na mensagem";
    row(list, "Onde", place);
    if (r.biblioteca) row(list, "Biblioteca", link(r.biblioteca_pagina, r.biblioteca_nome));
    if (r.quem !== "programa") row(list, "O que isso quer dizer", r.quem_explicacao);
    r.notas.forEach(function (note) { row(list, "Nota", note); });
    out.appendChild(list);
    out.appendChild(element("h3", "Próximos passos"));
    out.appendChild(element("pre", null)).appendChild(element("code", r.passos.join("\n")));
    var answer = element("p", "Abra a página que responde: ");
    answer.appendChild(link(r.pagina, r.pagina.replace(/#.*/, "")));
    out.appendChild(answer);
    if (!r.reconhecida) {
      var offer = element("p", "Não reconhecemos esta mensagem. Se quiser, ");
      offer.appendChild(element("a", "conte-nos qual foi (abre uma issue no GitHub, já preenchida; nada é enviado sem você confirmar lá)", {
        href: reportUrl(table, text), rel: "noopener", target: "_blank", id: "leitor-relatar"
      }));
      out.appendChild(offer);
    }
    out.hidden = false;
  }

  function start() {
    var input = document.getElementById("leitor-texto");
    var out = document.getElementById("leitor-resultado");
    if (!input || !out) return;
    var timer = null;
    function update() {
      var text = input.value;
      if (!text.trim()) {
        out.hidden = true;
        out.textContent = "";
        delete out.dataset.tamanho;
        return;
      }
      loadTable().then(function (table) {
        if (input.value === text) show(table, text, out);
      }).catch(function (error) {
        out.hidden = false;
        out.textContent = "Não deu para carregar a tabela de padrões (" + error.message + ").";
      });
    }
    input.addEventListener("input", function (event) {
      clearTimeout(timer);
      // A colagem é lida na hora; a digitação, quando para por um instante.
      if (event.inputType === "insertFromPaste") update();
      else timer = setTimeout(update, 150);
    });
    if (input.value.trim()) update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
