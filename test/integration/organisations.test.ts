import { json, startSystem } from '../support/system';

describe('organisations', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    sys = await startSystem();
  });
  afterAll(() => sys?.close());

  const id = `acme-${process.pid}`;
  const body = {
    id,
    name: 'ACME GmbH',
    ismsManager: 'ISMS@acme.example',
    topManagement: ['ceo@acme.example', 'cfo@acme.example'],
    certificationBody: { name: 'Example Cert', planDueDays: 21 },
    scope: 'Development and operation of the ACME platform',
    timeZone: 'Europe/Berlin',
  };

  it('is set up once, with the certification body defaults filled in, and changed with PUT', async () => {
    const res = await sys.api('/organisations', { method: 'POST', json: body });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({
      id,
      ismsManager: 'isms@acme.example',
      certificationBody: { name: 'Example Cert', planDueDays: 21, majorCloseDays: 90, minorCloseBy: 'nextAudit' },
      workingDays: [1, 2, 3, 4, 5],
    });
    expect((await sys.api('/organisations', { method: 'POST', json: body })).status).toBe(200);
    const clash = await sys.api('/organisations', { method: 'POST', json: { ...body, name: 'Other' } });
    expect(clash.status).toBe(409);

    const { id: _id, ...rest } = body;
    const put = await sys.api(`/organisations/${id}`, { method: 'PUT', json: { ...rest, timeZone: 'Asia/Dubai', workingDays: [0, 1, 2, 3, 4] } });
    expect(put.status).toBe(200);
    expect(await json(sys.api(`/organisations/${id}`))).toMatchObject({ timeZone: 'Asia/Dubai', workingDays: [0, 1, 2, 3, 4] });
    expect((await json(sys.api('/organisations'))).map((o: { id: string }) => o.id)).toContain(id);
  });

  it('refuses bad input with the field named, and changes nothing', async () => {
    const problem = async (res: Response, status: number, fields: string[]) => {
      expect(res.status).toBe(status);
      expect((await json(res)).errors.map((e: { field: string }) => e.field).sort()).toEqual(fields.sort());
    };
    await problem(await sys.api('/organisations', { method: 'POST', json: {} }), 422, ['id', 'name', 'ismsManager', 'topManagement', 'certificationBody', 'scope', 'timeZone']);
    await problem(
      await sys.api('/organisations', {
        method: 'POST',
        json: { ...body, id: 'Bad Id', timeZone: 'Mars/Olympus', topManagement: ['nobody'], workingDays: [7], certificationBody: { name: 'X', majorCloseDays: 0 } },
      }),
      422,
      ['id', 'timeZone', 'topManagement', 'workingDays', 'certificationBody.majorCloseDays'],
    );
    const { id: _id, ...rest } = body;
    await problem(await sys.api(`/organisations/${id}`, { method: 'PUT', json: { ...rest, id: 'other' } }), 422, ['id']);
    expect((await sys.api('/organisations/nobody-here', { method: 'PUT', json: rest })).status).toBe(404);
    expect((await json(sys.api(`/organisations/${id}`))).timeZone).toBe('Asia/Dubai');
  });
});
