import { Form } from './Form';
import { MediaLibraryDialog } from './MediaLibraryDialog';

/** What the Add directory form needs for a CSV directory reading a remote file. */
export type RemoteCsv = {
  name: string;
  url: string;
  username: string;
  password: string;
  managerField: string;
  caCertificate: string;
};

/** Add directory: name, type and connection; Save opens the new directory's page. */
export class NewDirectoryPage extends Form {
  async fillRemoteCsv(settings: RemoteCsv) {
    await this.fill('name', settings.name);
    await this.choose('Type', 'CSV file');
    await this.fill('url', settings.url);
    await this.fill('username', settings.username);
    await this.fill('password', settings.password);
    await this.fill('managerField', settings.managerField);
    await this.fill('caCertificate', settings.caCertificate);
  }

  /**
   * A CSV directory reading a Media Library file, uploaded through Strapi's own Media Library
   * dialog and picked there.
   */
  async fillMediaCsv(name: string, file: string) {
    await this.fill('name', name);
    await this.choose('Type', 'CSV file');
    await this.choose('File location', 'Media Library');
    await new MediaLibraryDialog(this.page).uploadAndPick(file);
  }

  /** Saves; resolves to the new directory's id once its page is open. */
  async save(): Promise<number> {
    await this.press('Save');
    await this.page.waitForURL(/\/directories\/\d+\?tab=connection/);
    return Number(/\/directories\/(\d+)/.exec(this.page.url())![1]);
  }
}
