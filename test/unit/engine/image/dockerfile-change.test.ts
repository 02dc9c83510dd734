import { describe, expect, it } from 'vitest';
import { applyChanges, splitWords } from '../../../../src/engine/image/dockerfile-change.js';

describe('splitWords (Dockerfile lexing)', () => {
  const env = ['HOME=/root', 'NAME=world', 'EMPTY='];
  it.each([
    ['spaces', 'a  b\tc', ['a', 'b', 'c']],
    ['double quotes keep spaces', '"a b" c', ['a b', 'c']],
    ['single quotes are literal', "'$NAME x'", ['$NAME x']],
    ['escaped space', 'a\\ b', ['a b']],
    ['escaped quote in double quotes', '"say \\"hi\\""', ['say "hi"']],
    ['variable', '$NAME', ['world']],
    ['braced variable', '${NAME}x', ['worldx']],
    ['default for empty', '${EMPTY:-dflt}', ['dflt']],
    ['alternative', '${NAME:+alt}', ['alt']],
    ['unknown variable', '$MISSING', ['']],
    ['variable in double quotes', '"hi $NAME"', ['hi world']],
    ['escaped dollar', '\\$NAME', ['$NAME']],
    ['key=value with quotes', 'A="x y" B=z', ['A=x y', 'B=z']],
  ])('%s', (_n, text, words) => {
    expect(splitWords(text, env)).toEqual(words);
  });

  it('refuses unterminated quotes', () => {
    expect(() => splitWords('"abc', [])).toThrow(/unterminated/);
  });
});

describe('applyChanges (docker import --change)', () => {
  it.each([
    ['CMD exec form', ['CMD ["nginx", "-g", "daemon off;"]'], { Cmd: ['nginx', '-g', 'daemon off;'] }],
    ['CMD shell form', ['CMD echo hello $HOME'], { Cmd: ['/bin/sh', '-c', 'echo hello $HOME'] }],
    ['ENTRYPOINT exec form', ['ENTRYPOINT ["/init"]'], { Entrypoint: ['/init'] }],
    ['lowercase instruction', ['cmd ["a"]'], { Cmd: ['a'] }],
    ['ENV pairs', ['ENV A=1 B="two words"'], { Env: ['PATH=/bin', 'A=1', 'B=two words'] }],
    ['ENV legacy form', ['ENV GREETING hello world'], { Env: ['PATH=/bin', 'GREETING=hello world'] }],
    ['ENV replaces and expands', ['ENV PATH=/opt/bin:$PATH'], { Env: ['PATH=/opt/bin:/bin'] }],
    ['WORKDIR absolute then relative', ['WORKDIR /srv', 'WORKDIR app/../web'], { WorkingDir: '/srv/web' }],
    ['WORKDIR from env', ['ENV D=/data', 'WORKDIR $D'], { WorkingDir: '/data' }],
    ['USER', ['USER 1000:1000'], { User: '1000:1000' }],
    [
      'EXPOSE ports, protocols, ranges',
      ['EXPOSE 80 53/udp 8000-8001'],
      { ExposedPorts: { '80/tcp': {}, '53/udp': {}, '8000/tcp': {}, '8001/tcp': {} } },
    ],
    ['LABEL pairs', ['LABEL a=b "c d"="e f"'], { Labels: { a: 'b', 'c d': 'e f' } }],
    ['VOLUME JSON', ['VOLUME ["/data", "/logs"]'], { Volumes: { '/data': {}, '/logs': {} } }],
    ['VOLUME words', ['VOLUME /a /b'], { Volumes: { '/a': {}, '/b': {} } }],
    ['STOPSIGNAL', ['STOPSIGNAL SIGQUIT'], { StopSignal: 'SIGQUIT' }],
    ['ONBUILD', ['ONBUILD RUN make'], { OnBuild: ['RUN make'] }],
  ])('%s', (_n, changes, expected) => {
    expect(applyChanges({ Env: ['PATH=/bin'] }, changes)).toMatchObject(expected);
  });

  it('a new ENTRYPOINT resets an inherited CMD', () => {
    expect(applyChanges({ Cmd: ['sh'] }, ['ENTRYPOINT ["x"]'])).toMatchObject({
      Entrypoint: ['x'],
      Cmd: null,
    });
    expect(applyChanges({ Cmd: ['sh'] }, ['CMD ["y"]', 'ENTRYPOINT ["x"]'])).toMatchObject({
      Entrypoint: ['x'],
      Cmd: ['y'],
    });
  });

  it.each([
    ['RUN is not a change', 'RUN make', /not a valid change command/],
    ['COPY is not a change', 'COPY . /', /not a valid change command/],
    ['no instruction', '   ', /expected INSTRUCTION/],
    ['bad port', 'EXPOSE http', /not a port/],
    ['port out of range', 'EXPOSE 70000', /1-65535/],
    ['LABEL without value', 'LABEL justakey', /key=value/],
    ['WORKDIR with two paths', 'WORKDIR /a /b', /one path/],
    ['unterminated quote', 'ENV A="x', /unterminated/],
  ])('refuses %s', (_n, change, message) => {
    expect(() => applyChanges({}, [change])).toThrow(message);
  });
});
