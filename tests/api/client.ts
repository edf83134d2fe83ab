// A typed client of the Smarter Cities API, written against the types that
// openapi-typescript generates from the served /api/v1/openapi.json
// (./openapi.js next to this file once generated). The openapi_client test
// (tests/api/openapi_client_test.mjs) checks it with tsc --strict and runs
// it against the live server: a route that changes its path, its
// parameters or its bodies in the document breaks the compile, and a public
// GET that appears in the document without a call here fails the run.
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './openapi.js';

type Schemas = components['schemas'];
type Api = Client<paths>;

// One answered request: the method and the document's path it was made for.
export interface Call {
  method: string;
  path: string;
  status: number;
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

// The body of a 2xx answer, or an error naming the request and its problem.
function must<T>(answer: Answer<T>): T {
  if (answer.data === undefined) {
    throw new Error(
      `${answer.response.status} from ${answer.response.url}: ${JSON.stringify(answer.error)}`,
    );
  }
  return answer.data;
}

function defined<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`no ${what} to call with`);
  return value;
}

function first<T>(items: readonly T[] | undefined, what: string): T {
  return defined(items?.[0], what);
}

function apiUrl(origin: string): string {
  return `${origin}/api/v1`;
}

// A client that records the document path and status of every answer.
function recordingClient(origin: string, calls: Call[], headers: Record<string, string> = {}): Api {
  const api = createClient<paths>({ baseUrl: apiUrl(origin), headers });
  api.use({
    onResponse({ request, response, schemaPath }) {
      calls.push({ method: request.method, path: schemaPath, status: response.status });
      return undefined;
    },
  });
  return api;
}

interface LoggedIn {
  api: Api;
  session: Schemas['Session'];
}

// Logs in with POST /sessions (a typed body) and answers a client that
// sends the session cookie, the CSRF token and this site's Origin.
async function logInAs(origin: string, username: string, password: string): Promise<LoggedIn> {
  const anonymous = createClient<paths>({ baseUrl: apiUrl(origin) });
  const answer = await anonymous.POST('/sessions', { body: { username, password } });
  const session = must(answer);
  const cookie = answer.response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const api = createClient<paths>({
    baseUrl: apiUrl(origin),
    headers: { Cookie: cookie, 'X-CSRF-Token': session.csrfToken, Origin: origin },
  });
  return { api, session };
}

// Logs in and answers who the server says the caller is (GET /me).
export async function logIn(origin: string, username: string, password: string): Promise<Schemas['Me']> {
  const { api } = await logInAs(origin, username, password);
  return must(await api.GET('/me'));
}

export interface Accounts {
  admin: { username: string; password: string };
  // A city editor of a city that does not take part in Bedrijvige Stad.
  joiningEditor: { username: string; password: string; city: string };
}

// What the public reads need that the demo sample lacks: a project, a
// meeting, a document, an amendment, an Onze Stad challenge entry and a join
// request, each written with a typed body.
async function writeSample(origin: string, accounts: Accounts): Promise<void> {
  const { api: admin } = await logInAs(origin, accounts.admin.username, accounts.admin.password);
  const theme = 'bedrijvige-stad';
  must(
    await admin.POST('/themes/{theme}/projects', {
      params: { path: { theme } },
      body: {
        title: 'Glasvezel op bedrijventerreinen',
        aim: 'Elk bedrijventerrein een open glasvezelnet',
        lead: 'GM0794',
        partners: { organisations: ['TU Eindhoven'] },
        agreements: [`${theme}/a`],
      },
    }),
  );
  must(
    await admin.POST('/meetings', {
      body: { kind: 'official', date: '2013-06-12', decisions: ['De voortgang is besproken'] },
    }),
  );
  must(
    await admin.POST('/documents', {
      body: {
        file: 'Plan voor slimme verkeerslichten in de binnenstad.\n',
        title: 'Plan slimme verkeerslichten',
        kind: 'project-plan',
        author: 'stedenlink',
        date: '2014-03-01',
        theme,
      },
      bodySerializer(body) {
        const form = new FormData();
        for (const [name, value] of Object.entries(body)) {
          if (name === 'file') {
            form.append(name, new Blob([String(value)], { type: 'text/plain' }), 'plan.txt');
          } else if (value !== undefined) {
            form.append(name, String(value));
          }
        }
        return form;
      },
    }),
  );
  must(
    await admin.POST('/amendments', {
      body: {
        theme,
        agreement: 'a',
        proposer: 'stedenlink',
        text: 'De partijen leggen glasvezel aan op alle bedrijventerreinen.',
        reason: 'Het doel is scherper te maken.',
      },
    }),
  );
  must(
    await admin.POST('/themes/onze-stad/challenge-entries', {
      body: { city: 'GM0363', title: 'Open data over parkeren', team: 'Team Amstel', submittedOn: '2014-05-20' },
    }),
  );
  const { api: editor } = await logInAs(
    origin, accounts.joiningEditor.username, accounts.joiningEditor.password);
  must(
    await editor.POST('/themes/{theme}/join-requests', {
      params: { path: { theme } },
      body: { city: accounts.joiningEditor.city, motivation: 'Wij willen meedoen met de bedrijventerreinen.' },
    }),
  );
}

// Calls every public GET of the document and answers what was called.
export async function callEveryPublicGet(origin: string, accounts: Accounts): Promise<Call[]> {
  await writeSample(origin, accounts);
  const calls: Call[] = [];
  const api = recordingClient(origin, calls);

  // The document itself, the themes and their agreements and indicators.
  must(await api.GET('/openapi.json'));
  const themes = must(await api.GET('/themes')).items;
  const theme = first(themes, 'theme').id;
  const path = { theme };
  must(await api.GET('/themes/{theme}', { params: { path } }));
  const agreement = first(must(await api.GET('/themes/{theme}/agreements', { params: { path } })).items, 'agreement');
  const agreementPath = { theme, letter: agreement.letter };
  must(await api.GET('/themes/{theme}/agreements/{letter}', { params: { path: agreementPath } }));
  must(await api.GET('/themes/{theme}/agreements/{letter}/versions', { params: { path: agreementPath } }));
  const indicators = must(await api.GET('/themes/{theme}/indicators', { params: { path } })).items;
  // One measured per city, so that its cities can be compared.
  const indicator = first(indicators.filter((each) => each.scope === 'city'), 'indicator measured per city').id;
  must(await api.GET('/themes/{theme}/progress', { params: { path } }));
  must(await api.GET('/themes/{theme}/participants', { params: { path } }));

  // Indicators, cities and their figures.
  const indicatorPath = { indicator };
  must(await api.GET('/indicators/{indicator}', { params: { path: indicatorPath } }));
  must(await api.GET('/indicators/{indicator}/measurements', { params: { path: indicatorPath } }));
  must(await api.GET('/indicators/{indicator}/progress', { params: { path: indicatorPath } }));
  must(await api.GET('/indicators/{indicator}/comparison', { params: { path: indicatorPath } }));
  const city = first(must(await api.GET('/cities')).items, 'city').cbsCode;
  const cityPath = { city };
  must(await api.GET('/cities/{city}', { params: { path: cityPath } }));
  must(await api.GET('/cities/{city}/measurements', { params: { path: cityPath } }));
  must(await api.GET('/cities/{city}/progress', { params: { path: cityPath } }));
  must(await api.GET('/measurements', { params: { query: { pageSize: 10 } } }));

  // Progress reports.
  const period = first(must(await api.GET('/reports')).items, 'report period').period;
  must(await api.GET('/reports/{period}', { params: { path: { period } } }));

  // Participation, the join procedure and amendments.
  must(await api.GET('/parties'));
  const joinTheme = 'bedrijvige-stad';
  const request = first(
    must(await api.GET('/themes/{theme}/join-requests', { params: { path: { theme: joinTheme } } })).items,
    'join request',
  );
  must(
    await api.GET('/themes/{theme}/join-requests/{requestId}', {
      params: { path: { theme: joinTheme, requestId: String(request.id) } },
    }),
  );
  must(await api.GET('/publications'));
  must(await api.GET('/publications.atom', { parseAs: 'text' }));
  const amendment = first(must(await api.GET('/amendments')).items, 'amendment');
  must(await api.GET('/amendments/{amendmentId}', { params: { path: { amendmentId: String(amendment.id) } } }));

  // The rolling agenda: projects, meetings, funding.
  const project = first(
    must(await api.GET('/themes/{theme}/projects', { params: { path: { theme: joinTheme } } })).items,
    'project',
  );
  must(
    await api.GET('/themes/{theme}/projects/{projectId}', {
      params: { path: { theme: joinTheme, projectId: String(defined(project.id, 'project id')) } },
    }),
  );
  const meeting = first(must(await api.GET('/meetings')).items, 'meeting');
  must(await api.GET('/meetings/{meetingId}', { params: { path: { meetingId: String(defined(meeting.id, 'meeting id')) } } }));
  must(await api.GET('/meetings/rhythm', { params: { query: { year: 2013 } } }));
  must(await api.GET('/funding'));

  // The knowledge base and search.
  const stored = first(must(await api.GET('/documents')).items, 'document');
  const documentPath = { documentId: String(stored.id) };
  must(await api.GET('/documents/{documentId}', { params: { path: documentPath } }));
  must(await api.GET('/documents/{documentId}/file', { params: { path: documentPath }, parseAs: 'text' }));
  must(await api.GET('/search', { params: { query: { q: 'verkeerslichten' } } }));

  // Open data in bulk and its catalogue.
  const exports = must(await api.GET('/exports'));
  const exported = first(exports.items, 'exported dataset').id;
  must(await api.GET('/exports/{file}', { params: { path: { file: `${exported}.json` } } }));
  must(await api.GET('/catalog.jsonld', { parseAs: 'text' }));
  must(await api.GET('/catalog.ttl', { parseAs: 'text' }));

  // The theme modules' own routes: each register's list and one record
  // from it, and the modules' other public reads.
  // Bedrijvige Stad.
  must(await api.GET('/themes/bedrijvige-stad/fibre-share'));
  const businessPark = first(must(await api.GET('/themes/bedrijvige-stad/business-parks')).items, 'business park');
  must(await api.GET('/themes/bedrijvige-stad/business-parks/{id}', { params: { path: { id: String(businessPark.id) } } }));
  const smartWorkCentre = first(must(await api.GET('/themes/bedrijvige-stad/smart-work-centres')).items, 'smart work centre');
  must(await api.GET('/themes/bedrijvige-stad/smart-work-centres/{id}', { params: { path: { id: String(smartWorkCentre.id) } } }));
  // Groene Stad.
  must(await api.GET('/themes/groene-stad/energy-use'));
  must(await api.GET('/themes/groene-stad/energy-use/trends'));
  const dataCentre = first(must(await api.GET('/themes/groene-stad/data-centres')).items, 'data centre');
  must(await api.GET('/themes/groene-stad/data-centres/{id}', { params: { path: { id: String(dataCentre.id) } } }));
  const smartGridPilot = first(must(await api.GET('/themes/groene-stad/smart-grid-pilots')).items, 'smart grid pilot');
  must(await api.GET('/themes/groene-stad/smart-grid-pilots/{id}', { params: { path: { id: String(smartGridPilot.id) } } }));
  // Kennisdeling.
  const event = first(must(await api.GET('/themes/kennisdeling/events')).items, 'event');
  must(await api.GET('/themes/kennisdeling/events/{id}', { params: { path: { id: String(event.id) } } }));
  const newsletter = first(must(await api.GET('/themes/kennisdeling/newsletters')).items, 'newsletter');
  must(await api.GET('/themes/kennisdeling/newsletters/{id}', { params: { path: { id: String(newsletter.id) } } }));
  // Lerende Stad.
  must(await api.GET('/themes/lerende-stad/eduroam-share'));
  const ictCertificate = first(must(await api.GET('/themes/lerende-stad/ict-certificates')).items, 'ICT certificate');
  must(await api.GET('/themes/lerende-stad/ict-certificates/{id}', { params: { path: { id: String(ictCertificate.id) } } }));
  const school = first(must(await api.GET('/themes/lerende-stad/schools')).items, 'school');
  must(await api.GET('/themes/lerende-stad/schools/{id}', { params: { path: { id: String(school.id) } } }));
  // Onze Stad.
  must(await api.GET('/themes/onze-stad/catalog-dcat'));
  const challengeEntry = first(must(await api.GET('/themes/onze-stad/challenge-entries')).items, 'challenge entry');
  must(await api.GET('/themes/onze-stad/challenge-entries/{id}', { params: { path: { id: String(challengeEntry.id) } } }));
  const dataset = first(must(await api.GET('/themes/onze-stad/datasets')).items, 'dataset');
  must(await api.GET('/themes/onze-stad/datasets/{id}', { params: { path: { id: String(dataset.id) } } }));
  // Open Networks.
  must(await api.GET('/themes/open-networks/meetings-summary'));
  const decentralMeeting = first(must(await api.GET('/themes/open-networks/decentral-meetings')).items, 'decentral meeting');
  must(await api.GET('/themes/open-networks/decentral-meetings/{id}', { params: { path: { id: String(decentralMeeting.id) } } }));
  const ngnAvailabilityRecord = first(must(await api.GET('/themes/open-networks/ngn-availability')).items, 'NGN availability record');
  must(await api.GET('/themes/open-networks/ngn-availability/{id}', { params: { path: { id: String(ngnAvailabilityRecord.id) } } }));
  // Veilige Stad.
  const cyberReadinessRecord = first(must(await api.GET('/themes/veilige-stad/cyber-readiness')).items, 'cyber readiness record');
  must(await api.GET('/themes/veilige-stad/cyber-readiness/{id}', { params: { path: { id: String(cyberReadinessRecord.id) } } }));
  const securedBusinessPark = first(must(await api.GET('/themes/veilige-stad/secured-business-parks')).items, 'secured business park');
  must(await api.GET('/themes/veilige-stad/secured-business-parks/{id}', { params: { path: { id: String(securedBusinessPark.id) } } }));
  // Zorgende Stad.
  must(await api.GET('/themes/zorgende-stad/avva-summary'));
  const avvaImplementation = first(must(await api.GET('/themes/zorgende-stad/avva-implementations')).items, 'AVVA implementation');
  must(await api.GET('/themes/zorgende-stad/avva-implementations/{id}', { params: { path: { id: String(avvaImplementation.id) } } }));
  const telemonitoringPilot = first(must(await api.GET('/themes/zorgende-stad/telemonitoring-pilots')).items, 'telemonitoring pilot');
  must(await api.GET('/themes/zorgende-stad/telemonitoring-pilots/{id}', { params: { path: { id: String(telemonitoringPilot.id) } } }));
  // Regelluwe Stad: every city's status, and one city's (a city of the
  // covenant from GET /cities).
  must(await api.GET('/themes/regelluwe-stad/city-status'));
  must(await api.GET('/themes/regelluwe-stad/city-status/{city}', { params: { path: cityPath } }));

  return calls;
}
