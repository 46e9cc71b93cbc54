import { dirname, join } from 'node:path';
import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import { csrfToken, endSession, findApiKey, findSessionKey, newCsrfNonce, startSession, verifyCsrf } from '../../../../libs/security/src';
import { temporalUiLink } from '../../../../libs/temporal/src/client';
import { Public } from '../auth/api-key.guard';
import { FailedAttempts } from '../auth/failed-attempts';
import { ProblemException } from '../common/problem';
import type { Audited } from '../auth/audit-log';
import { dashboardData } from './dashboard-data';
import { dashboardPage, loginPage } from '../../../../libs/templates/src';
import { DASHBOARD_SCRIPT } from './dashboard-script';
import { CSRF_COOKIE, readCookie, SESSION_COOKIE, sessionCookie, setCookie } from './cookies';

const SESSION_HOURS = 8;

/** The ISMS dashboard for admins: signed in with an admin API key, then a short session cookie. */
@Public()
@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly failures: FailedAttempts,
  ) {}

  @Get()
  async show(@Req() req: Request, @Res() res: Response, @Query() q: Record<string, string | undefined>): Promise<void> {
    res.setHeader('cache-control', 'no-store');
    const key = await findSessionKey(this.db, sessionCookie(req));
    const csrf = this.csrfFor(req, res);
    if (!key) {
      res.status(401).type('html').send(loginPage(csrf));
      return;
    }
    const pick = (v: string | undefined, allowed: string[]) => (v && allowed.includes(v) ? v : undefined);
    const filters = {
      severity: pick(q.severity, ['low', 'medium', 'high', 'critical']),
      classification: pick(q.classification, ['major', 'minor', 'ofi']),
      process: q.process && /^[A-Za-z]{1,40}$/.test(q.process) ? q.process : undefined,
      overdueOnly: q.overdue === '1',
    };
    const data = await dashboardData(this.db, filters, this.config.timeZone);
    res.status(200).type('html').send(dashboardPage(data, filters, (id) => temporalUiLink(this.config.temporal, id), key.name, csrf));
  }

  @Post('login')
  async login(@Req() req: Request, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    if (!this.formIsOurs(req, body, res)) return;
    // Guessing keys here counts with every other failed authentication from the address.
    try {
      this.failures.check(req.ip, res);
    } catch (err) {
      if (!(err instanceof ProblemException)) throw err;
      res.status(429).type('html').send(loginPage(this.csrfFor(req, res), `Too many failed sign-ins from this address. ${err.problem.detail?.split('. ').at(-1) ?? ''}`));
      return;
    }
    const key = typeof body.apiKey === 'string' ? await findApiKey(this.db, body.apiKey.trim()) : null;
    if (!key || key.role !== 'admin') {
      this.failures.count(req.ip);
      res.status(401).type('html').send(loginPage(this.csrfFor(req, res), 'That is not an admin API key.'));
      return;
    }
    (req as Audited).caller = { id: key.id, name: key.name };
    const session = await startSession(this.db, key.id, new Date(Date.now() + SESSION_HOURS * 3_600_000));
    setCookie(res, this.config.api.publicUrl, { name: SESSION_COOKIE, value: session, path: '/', maxAgeSeconds: SESSION_HOURS * 3600 });
    res.redirect(303, '/dashboard');
  }

  @Post('logout')
  async logout(@Req() req: Request, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    // Signing out always ends the session, even from a page whose form token expired: a person who
    // asked to sign out must not stay signed in (a forged sign-out can do no more than this).
    const key = await findSessionKey(this.db, sessionCookie(req));
    if (key) (req as Audited).caller = { id: key.id, name: key.name };
    await endSession(this.db, sessionCookie(req));
    setCookie(res, this.config.api.publicUrl, { name: SESSION_COOKIE, value: '', path: '/', maxAgeSeconds: 0 });
    res.redirect(303, '/dashboard');
  }

  /** The token for this browser's forms; a new nonce cookie when it has none yet. */
  private csrfFor(req: Request, res: Response): string {
    let nonce = readCookie(req, CSRF_COOKIE);
    if (!nonce || !/^[A-Za-z0-9_-]{43}$/.test(nonce)) {
      nonce = newCsrfNonce();
      setCookie(res, this.config.api.publicUrl, { name: CSRF_COOKIE, value: nonce, path: '/dashboard' });
    }
    return csrfToken(this.config.tasks.linkSecret, nonce);
  }

  /** A form posted from one of our pages, or a 403 page asking to sign in again (nothing changed). */
  private formIsOurs(req: Request, body: Record<string, unknown>, res: Response): boolean {
    if (verifyCsrf(this.config.tasks.linkSecret, readCookie(req, CSRF_COOKIE), body.csrf)) return true;
    res.setHeader('cache-control', 'no-store');
    res.status(403).type('html').send(loginPage(this.csrfFor(req, res), 'This form did not come from this dashboard, or it expired. Sign in again.'));
    return false;
  }
}

/** The dashboard's scripts: Chart.js from its package, and the few lines that feed it. */
@Public()
@ApiExcludeController()
@Controller('assets')
export class AssetsController {
  @Get('chart.umd.min.js')
  chart(@Res() res: Response): void {
    res.setHeader('cache-control', 'public, max-age=86400');
    // The package exports no subpath for its browser build: find it beside the main entry.
    res.type('application/javascript').sendFile(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'));
  }

  @Get('dashboard.js')
  dashboard(@Res() res: Response): void {
    res.setHeader('cache-control', 'no-cache');
    res.type('application/javascript').send(DASHBOARD_SCRIPT);
  }
}
