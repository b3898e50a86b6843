#!/usr/bin/env node
/**
 * Writes playground/data/demo-people.csv: the demo's CSV directory, 1,000 people of a made-up
 * company (unicode names, unique usernames and emails, departments, job titles, a manager tree,
 * groups, about 3 % inactive). Deterministic: the same seed always writes the same bytes.
 *
 *   node scripts/generate-demo-csv.js [--users 1000] [--seed 7] [--out playground/data/demo-people.csv]
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] !== undefined ? args[index + 1] : fallback;
};
const USERS = Number(option('users', 1000));
const SEED = Number(option('seed', 7));
const OUT = path.resolve(
  option('out', path.join(__dirname, '..', 'playground', 'data', 'demo-people.csv'))
);
const DOMAIN = 'example.com';

// prettier-ignore
const GIVEN = [
  'Ada', 'Alan', 'Amara', 'Anna', 'Arjun', 'Beatriz', 'Bruno', 'Carla', 'Chen', 'Chloé', 'Daniel',
  'Dmitri', 'Elena', 'Emeka', 'Emma', 'Fatima', 'Felix', 'François', 'Grace', 'Hana', 'Hugo', 'Inès',
  'Ivan', 'Jamal', 'Jana', 'Javier', 'José', 'Julia', 'Kenji', 'Lars', 'Leila', 'Lucas', 'Maria',
  'Mateo', 'Mei', 'Nadia', 'Noah', 'Olga', 'Omar', 'Priya', 'Rafael', 'Rosa', 'Samir', 'Sara',
  'Sofia', 'Tariq', 'Thomas', 'Ulla', 'Victor', 'Wei', 'Yara', 'Zoé', 'Björn', 'Łucja', 'Søren',
  'Ngozi', 'Aiko', 'Ólafur', 'Şebnem', 'Zoë', 'Ángel', 'Dagný', 'Mikuláš', 'Tomás', 'Renée',
];
// prettier-ignore
const SURNAMES = [
  'Abara', 'Andersson', 'Bauer', 'Becker', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'García',
  'Gonzalez', 'Haddad', 'Hansen', 'Ito', 'Jansen', 'Kaur', 'Kim', 'Kowalski', 'Laurent', 'Li',
  'Martin', 'Moreau', 'Müller', 'Nakamura', 'Nguyen', 'Novak', 'Okafor', 'Olsen', 'Patel', 'Petrov',
  'Quinn', 'Rossi', 'Santos', 'Schmidt', 'Silva', 'Singh', 'Smith', 'Tanaka', 'Umar', 'Van Dijk',
  'Wagner', 'Wang', 'Weber', 'Xu', 'Yılmaz', 'Zhang', "O'Brien", 'Øster', 'Dąbrowski', 'Jónsdóttir',
  'Černý', 'Lindqvist', 'Şahin', 'Núñez', 'Fernández', 'Kovačević', 'Sørensen', 'Ærø',
];
/** Departments with their share of the staff. */
// prettier-ignore
const DEPARTMENTS = [
  ['Engineering', 24], ['Sales', 16], ['Marketing', 9], ['Finance', 7], ['Human Resources', 5],
  ['Operations', 10], ['Legal', 3], ['Customer Success', 12], ['Product', 8], ['IT', 6],
];
const LEVELS = ['Associate', 'Specialist', 'Senior Specialist', 'Lead'];
const REGIONS = ['EMEA', 'Americas', 'APAC'];

/** Mulberry32: small, fast, deterministic. */
const random = (seed) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const ascii = (value) =>
  value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[łŁ]/g, 'l')
    .replace(/[øØ]/g, 'o')
    .replace(/[æÆ]/g, 'ae')
    .replace(/ı/g, 'i')
    .replace(/[^a-zA-Z]/g, '')
    .toLowerCase();

/** One CSV field: quoted when it holds a comma, a quote or a line break. */
const field = (value) => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

const generate = () => {
  const rand = random(SEED);
  const pick = (items) => items[Math.floor(rand() * items.length)];
  const weights = DEPARTMENTS.reduce((sum, [, weight]) => sum + weight, 0);
  const pickDepartment = () => {
    let roll = rand() * weights;
    for (const [name, weight] of DEPARTMENTS) {
      roll -= weight;
      if (roll < 0) return name;
    }
    return DEPARTMENTS[0][0];
  };
  const logins = new Set();
  const people = [];
  const byDepartment = new Map(DEPARTMENTS.map(([name]) => [name, []]));
  for (let index = 0; index < USERS; index += 1) {
    const firstname = pick(GIVEN);
    const lastname = pick(SURNAMES);
    const base = `${ascii(firstname)}.${ascii(lastname)}`;
    let username = base;
    for (let n = 2; logins.has(username); n += 1) username = `${base}${n}`;
    logins.add(username);
    // The CEO, then one head per department, then everyone reports to an earlier colleague of
    // their department (chosen among the first quarter, so the tree is about log(n) deep).
    let department = 'Management';
    let manager = null;
    if (index > 0 && index <= DEPARTMENTS.length) {
      department = DEPARTMENTS[index - 1][0];
      manager = 0;
    } else if (index > 0) {
      department = pickDepartment();
      const colleagues = byDepartment.get(department);
      manager = colleagues[Math.floor(rand() * Math.ceil(colleagues.length / 4))];
    }
    if (index > 0) byDepartment.get(department).push(index);
    people.push({ index, username, firstname, lastname, department, manager, reports: 0 });
    if (manager !== null) people[manager].reports += 1;
  }
  for (const person of people) {
    if (person.index === 0) person.jobTitle = 'Chief Executive Officer';
    else if (person.manager === 0) person.jobTitle = `Head of ${person.department}`;
    else if (person.reports > 0) {
      person.jobTitle =
        rand() < 0.2
          ? `${person.department} Manager, ${pick(REGIONS)}`
          : `${person.department} Manager`;
    } else person.jobTitle = `${person.department} ${pick(LEVELS)}`;
    const groups = [person.department];
    if (rand() < 0.75) groups.push('Intranet Readers');
    if (rand() < 0.08 || person.department === 'Marketing') groups.push('Intranet Editors');
    if (person.reports > 0) groups.push('Managers');
    person.groups = groups.join(';');
    person.active = person.index === 0 || rand() >= 0.03;
  }
  return people;
};

// The shared list of user attributes (the server, the panel and the CSV source read it too).
const ATTRIBUTES = require('../shared/contracts/user-attributes.json');
const HEADER = [...ATTRIBUTES.identity, ...ATTRIBUTES.profile, 'manager', 'groups', 'active'];

const toCsv = (people) => {
  const lines = [HEADER.join(',')];
  for (const person of people) {
    lines.push(
      [
        person.username,
        `${person.username}@${DOMAIN}`,
        person.firstname,
        person.lastname,
        `${person.firstname} ${person.lastname}`,
        person.jobTitle,
        person.department,
        `E${String(person.index + 1).padStart(6, '0')}`,
        `+1 555 ${String(1000000 + person.index).slice(-7)}`,
        person.manager === null ? '' : people[person.manager].username,
        person.groups,
        person.active ? 'true' : 'false',
      ]
        .map(field)
        .join(',')
    );
  }
  return `${lines.join('\n')}\n`;
};

const people = generate();
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, toCsv(people), 'utf8');
const inactive = people.filter((person) => !person.active).length;
process.stdout.write(
  `Wrote ${people.length} people (${inactive} inactive) to ${path.relative(process.cwd(), OUT)}\n`
);
