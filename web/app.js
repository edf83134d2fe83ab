// Lists the themes through the API and shows a theme's agreements on click.
// Text goes in with textContent only, never as HTML.
'use strict';

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

function element(tag, text) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

async function showAgreements(theme) {
  const section = document.getElementById('agreements-section');
  const list = document.getElementById('agreements');
  document.getElementById('agreements-title').textContent =
    `Afspraken — ${theme.name.nl}`;
  list.replaceChildren();
  const agreements = await getJson(`${theme.url}/agreements`);
  for (const agreement of agreements.items) {
    const item = element('li');
    item.id = `agreement-${agreement.letter}`;
    const kind = agreement.kind === 'result' ? 'resultaatafspraak' : 'inspanningsafspraak';
    item.append(element('strong', `${agreement.letter}) ${kind}`));
    if (agreement.goal) item.append(element('p', agreement.goal));
    item.append(element('p', agreement.text));
    list.append(item);
  }
  section.hidden = false;
}

async function main() {
  const status = document.getElementById('status');
  const list = document.getElementById('themes');
  try {
    const themes = await getJson('/api/v1/themes');
    for (const theme of themes.items) {
      const item = element('li');
      const button = element('button', theme.name.nl);
      button.type = 'button';
      button.addEventListener('click', () => showAgreements(theme).catch((error) => {
        status.textContent = `De afspraken konden niet worden geladen: ${error.message}`;
      }));
      const leaders = theme.leaders.map((leader) => leader.name).join(', ');
      item.append(button, element('span', ` — ${theme.numAgreements} afspraken, trekker: ${leaders}`));
      list.append(item);
    }
    status.textContent = `${themes.total} thema's`;
  } catch (error) {
    status.textContent = `De thema's konden niet worden geladen: ${error.message}`;
  }
}

main();
