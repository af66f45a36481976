// Error pages as Cloudflare's edge renders them (shapes from public captures of live pages):
// the branded 5xx page, the older 1xxx layout (cf-error-code), the current 1xxx layout (bare
// span + errorCode script), the plain-text form and the minimal nginx-style page.

export type Leg = 'browser' | 'cloudflare' | 'host';

export const REASONS: Record<number, string> = {
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway time-out',
  520: 'Web server is returning an unknown error',
  521: 'Web server is down',
  522: 'Connection timed out',
  523: 'Origin is unreachable',
  524: 'A timeout occurred',
  525: 'SSL handshake failed',
  526: 'Invalid SSL certificate',
  1016: 'Origin DNS error',
  1033: 'Argo Tunnel error',
};

/** HTTP status Cloudflare sends with a given error code (1xxx errors travel as 530). */
export function statusForCode(code: number): number {
  return code >= 1000 ? 530 : code;
}

function statusBlock(leg: Leg, errorSource: Leg, host: string): string {
  const label = { browser: 'Browser', cloudflare: 'Cloudflare', host: 'Host' }[leg];
  const who = { browser: 'You', cloudflare: 'Frankfurt', host: host }[leg];
  const bad = leg === errorSource;
  const source = bad ? ' cf-error-source' : '';
  const status = bad
    ? '<span class="leading-1.3 text-2xl text-red-error">Error</span>'
    : '<span class="leading-1.3 text-2xl text-green-success">Working</span>';
  return `<div id="cf-${leg}-status" class="${source} relative w-1/3 md:w-full py-15 md:p-0 md:py-8 md:text-left md:border-solid md:border-0 md:border-b md:border-gray-400 overflow-hidden float-left md:float-none text-center">
  <div class="relative mb-10 md:m-0">
    <span class="cf-icon-${leg} block md:hidden h-20 bg-center bg-no-repeat"></span>
  </div>
  <span class="md:block w-full truncate">${who}</span>
  <h3 class="md:inline-block mt-3 md:mt-0 text-2xl text-gray-600 font-light leading-1.3">${label}</h3>
  ${status}
</div>`;
}

/** The branded 52x page; `errorSource` is the block carrying `cf-error-source`. */
export function brandedPage(code: number, host: string, rayId: string, errorSource: Leg = 'host'): string {
  const reason = REASONS[code] ?? 'Error';
  return `<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<!--[if gt IE 8]><!--> <html class="no-js" lang="en-US"> <!--<![endif]-->
<head>
<title>${host} | ${code}: ${reason}</title>
<meta charset="UTF-8" />
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta name="robots" content="noindex, nofollow" />
<link rel="stylesheet" id="cf_styles-css" href="/cdn-cgi/styles/main.css" />
</head>
<body>
<div id="cf-wrapper">
  <div id="cf-error-details" class="p-0">
    <header class="mx-auto pt-10 lg:pt-6 lg:px-8 w-240 lg:w-full mb-8">
      <h1 class="inline-block sm:block sm:mb-2 font-light text-60 lg:text-4xl text-black-dark leading-tight mr-2">
        <span class="inline-block">${reason}</span>
        <span class="code-label">Error code ${code}</span>
      </h1>
      <div>Visit <a href="https://www.cloudflare.com/5xx-error-landing?utm_source=errorcode_${code}&utm_campaign=${host}" target="_blank" rel="noopener noreferrer">cloudflare.com</a> for more information.</div>
      <div class="mt-3">${new Date(0).toISOString()}</div>
    </header>
    <div class="my-8 bg-gradient-gray">
      <div class="w-240 lg:w-full mx-auto">
        <div class="clearfix md:px-8">
${(['browser', 'cloudflare', 'host'] as const).map((leg) => statusBlock(leg, errorSource, host)).join('\n')}
        </div>
      </div>
    </div>
    <div class="w-240 lg:w-full mx-auto mb-8 lg:px-8">
      <div class="clearfix">
        <div class="w-1/2 md:w-full float-left pr-6 md:pb-10 md:pr-0 leading-relaxed">
          <h2 class="text-3xl font-normal leading-1.3 mb-4">What happened?</h2>
          <p>The web server is not returning a connection. As a result, the web page is not displaying.</p>
        </div>
      </div>
    </div>
    <div class="cf-error-footer cf-wrapper w-240 lg:w-full py-10 sm:py-4 sm:px-8 mx-auto text-center sm:text-left border-solid border-0 border-t border-gray-300">
      <p class="text-13">
        <span class="cf-footer-item sm:block sm:mb-1">Cloudflare Ray ID: <strong class="font-semibold">${rayId}</strong></span>
        <span class="cf-footer-separator sm:hidden">&bull;</span>
        <span id="cf-footer-item-ip" class="cf-footer-item hidden sm:block sm:mb-1">Your IP: 203.0.113.9</span>
      </p>
    </div>
  </div>
</div>
</body>
</html>`;
}

/** The older layout Cloudflare still uses for 1xxx errors (1033, 1016): no status blocks. */
export function legacyErrorPage(code: number, host: string, rayId: string): string {
  const reason = REASONS[code] ?? 'Error';
  return `<!DOCTYPE html>
<html class="no-js" lang="en-US">
<head>
<title>${reason} | ${host} | Cloudflare</title>
<link rel="stylesheet" id="cf_styles-css" href="/cdn-cgi/styles/cf.errors.css" />
</head>
<body>
  <div id="cf-wrapper">
    <div id="cf-error-details" class="cf-error-details-wrapper">
      <div class="cf-wrapper cf-header cf-error-overview">
        <h1>
          <span class="cf-error-type" data-translate="error">Error</span>
          <span class="cf-error-code">${code}</span>
          <small class="heading-ray-id">Ray ID: ${rayId} &bull; 2024-05-01 10:00:00 UTC</small>
        </h1>
        <h2 class="cf-subheadline" data-translate="error_desc">${reason}</h2>
      </div>
      <section></section>
    </div>
  </div>
</body>
</html>`;
}

/**
 * The 1xxx layout Cloudflare serves today (shape of a live 530/1016 captured 2026-09-28 and kept in
 * a public repository's incident notes; also seen in 2021 and 2023 captures): the code is a bare
 * `<span>` after an "Error" label, the feedback script carries `errorCode: NNNN`, there is no
 * `cf-error-code` class, and the title is `Reason | host | Cloudflare`. Host, Ray ID and IP here
 * are the lab's, not the capture's.
 */
export function current1xxxPage(code: number, host: string, rayId: string): string {
  const reason = REASONS[code] ?? 'Error';
  return `<!doctype html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<!--[if gt IE 8]><!-->
<html class="no-js" lang="en-US">
    <!--<![endif]-->
    <head>
        <title>${reason} | ${host} | Cloudflare</title>
        <meta charset="UTF-8" />
<meta name="robots" content="noindex, nofollow" />
<link rel="stylesheet" id="cf_styles-css" href="/cdn-cgi/styles/main.css" /> <script>
  (function(){if(document.addEventListener&&window.XMLHttpRequest&&JSON&&JSON.stringify){var e=function(a){var b=new XMLHttpRequest;a={event:"feedback clicked",properties:{errorCode: ${code} },helpful:a,version: 1 };b.open("POST","https://sparrow.cloudflare.com/api/v1/event");b.send(JSON.stringify(a))}}})();
</script>
    </head>
    <body>
        <div id="cf-wrapper">
            <div class="cf-alert cf-alert-error cf-cookie-error hidden" id="cookie-alert" data-translate="enable_cookies">Please enable cookies.</div>
            <div id="cf-error-details" class="p-0">
                <header class="mx-auto pt-10 lg:pt-6 lg:px-8 w-240 lg:w-full mb-15 antialiased">
                    <h1 class="inline-block md:block mr-2 md:mb-2 font-light text-60 md:text-3xl text-black-dark leading-tight">
                        <span data-translate="error">Error</span>
                        <span>${code}</span>
                    </h1>
                    <span class="inline-block md:block heading-ray-id font-mono text-15 lg:text-sm lg:leading-relaxed">Ray ID: ${rayId} &bull;</span>
                    <span class="inline-block md:block heading-ray-id font-mono text-15 lg:text-sm lg:leading-relaxed">2026-11-30 05:00:00 UTC</span>
                    <h2 class="text-gray-600 leading-1.3 text-3xl lg:text-2xl font-light">
                        ${reason}
                    </h2>
                </header>
                <section class="w-240 lg:w-full mx-auto mb-8 lg:px-8">
                    <div id="what-happened-section" class="w-1/2 md:w-full">
                        <h2 class="text-3xl leading-tight font-normal mb-4 text-black-dark antialiased" data-translate="what_happened">What happened?</h2>
                        <p>You've requested a page on a website (${host}) that is on the <a href="https://www.cloudflare.com/5xx-error-landing/" target="_blank">Cloudflare</a> network.</p>
                    </div>
                </section>
                <div class="cf-error-footer cf-wrapper w-240 lg:w-full py-10 sm:py-4 sm:px-8 mx-auto text-center sm:text-left border-solid border-0 border-t border-gray-300">
    <p class="text-13">
      <span class="cf-footer-item sm:block sm:mb-1">Cloudflare Ray ID: <strong class="font-semibold">${rayId}</strong></span>
      <span class="cf-footer-item sm:block sm:mb-1"><span>Performance &amp; security by</span> <a rel="noopener noreferrer" href="https://www.cloudflare.com/5xx-error-landing" id="brand_link" target="_blank">Cloudflare</a></span>
    </p>
  </div>
            </div>
        </div>
    </body>
</html>`;
}

export function plainErrorPage(code: number): string {
  return `error code: ${code}`;
}

export function minimalPage(status: 502 | 504): string {
  const text = status === 502 ? '502 Bad Gateway' : '504 Gateway Time-out';
  return `<html>\r\n<head><title>${text}</title></head>\r\n<body>\r\n<center><h1>${text}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n`;
}
