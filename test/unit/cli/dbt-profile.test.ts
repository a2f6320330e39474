import { afterEach, describe, expect, it } from "vitest";
import { dbtProfileSettings, renderDbtProfile } from "../../../src/cli/commands/dbt-profile.js";
import { resolveConfig } from "../../../src/config/resolve.js";
import { makeTempDir, writeFiles } from "../../support/temp.js";

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function configOf(files: Record<string, string>, env: Record<string, string> = {}) {
  const temp = makeTempDir();
  cleanup = temp.cleanup;
  writeFiles(temp.dir, files);
  return resolveConfig({ projectDir: temp.dir, env });
}

describe("dbt-profile", () => {
  it("writes dbt-athena keys from the Athena config, falling back to the staging credentials' region", () => {
    const config = configOf({
      ".dlt/config.toml": `[destination.athena]\nquery_result_bucket = "s3://q/r/"\nathena_work_group = "wg"\naws_data_catalog = "cat"\n[destination.filesystem]\nbucket_url = "s3://lake/raw/"\n[destination.filesystem.credentials]\nregion_name = "us-west-2"\nprofile_name = "dev"\n`,
    });
    const text = renderDbtProfile(dbtProfileSettings(config, "shop", "shop_data"));
    expect(text).toContain('shop:\n  target: dev\n  outputs:\n    dev:\n      type: athena\n      s3_staging_dir: "s3://q/r/"\n');
    expect(text).toContain('      s3_data_dir: "s3://lake/raw/"');
    expect(text).toContain('      region_name: "us-west-2"');
    expect(text).toContain('      database: "cat"\n      schema: "shop_data"\n      work_group: "wg"\n      aws_profile_name: "dev"\n');
    expect(text).not.toContain("aws_access_key_id");
  });

  it("references explicit keys as env_var placeholders and never prints their values", () => {
    const config = configOf(
      { ".dlt/secrets.toml": `[destination.athena.credentials]\naws_access_key_id = "AKIAEXAMPLE000001234"\naws_secret_access_key = "very-secret"\n` },
      { DESTINATION__ATHENA__CREDENTIALS__AWS_SESSION_TOKEN: "token-secret" },
    );
    const text = renderDbtProfile(dbtProfileSettings(config, undefined, undefined));
    expect(text).toContain(`      aws_access_key_id: "{{ env_var('AWS_ACCESS_KEY_ID') }}"`);
    expect(text).toContain(`      aws_secret_access_key: "{{ env_var('AWS_SECRET_ACCESS_KEY') }}"`);
    expect(text).toContain(`      aws_session_token: "{{ env_var('AWS_SESSION_TOKEN') }}"`);
    for (const secret of ["AKIAEXAMPLE000001234", "very-secret", "token-secret"]) expect(text).not.toContain(secret);
    expect(text).toMatch(/^dlt_athena:$/m);
    expect(text).toMatch(/schema: "my_dataset" {2}# placeholder/);
    expect(text).toMatch(/# s3_staging_dir: .*query_result_bucket is not set/);
  });

  it("quotes values as YAML double-quoted scalars", () => {
    const text = renderDbtProfile({ profileName: "p", dataset: 'we"ird', catalog: "awsdatacatalog", hasExplicitKeys: false, hasSessionToken: false, isLocal: true });
    expect(text).toContain('      schema: "we\\"ird"');
    expect(text).toContain("local = true; this profile targets AWS Athena");
  });
});
