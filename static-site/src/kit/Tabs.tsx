// Tabs on React Aria: a labelled tab list (arrow keys, Home and End move between tabs and show them) over one panel
// at a time. The page owns which tab is shown, so it can keep it in the URL and a view can be shared and reloaded.
import type { ReactNode } from 'react';
import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';

export interface PageTab<K extends string> {
  readonly id: K;
  readonly label: string;
  /** A count shown beside the label (pending invitations, say); none when absent. */
  readonly count?: number | undefined;
  /** The tab's panel; kept mounted while other tabs are shown. */
  readonly content: () => ReactNode;
}

export function PageTabs<K extends string>({
  label,
  tabs,
  selected,
  onSelect,
}: {
  label: string;
  tabs: readonly PageTab<K>[];
  selected: K;
  onSelect: (tab: K) => void;
}) {
  return (
    <Tabs className="tabs" selectedKey={selected} onSelectionChange={(key) => onSelect(String(key) as K)}>
      <TabList className="tabs__list" aria-label={label}>
        {tabs.map((tab) => (
          <Tab key={tab.id} id={tab.id} className="tabs__tab">
            {tab.label}
            {tab.count !== undefined && tab.count > 0 && (
              <>
                {' '}
                <span className="tabs__count">{tab.count}</span>
              </>
            )}
          </Tab>
        ))}
      </TabList>
      {tabs.map((tab) => (
        // Every panel stays mounted, so what a person typed on one tab is still there when they come back; the
        // others are inert and out of sight (and out of the accessibility tree).
        <TabPanel key={tab.id} id={tab.id} className="tabs__panel" shouldForceMount style={({ isInert }) => (isInert ? { display: 'none' } : undefined)}>
          {tab.content()}
        </TabPanel>
      ))}
    </Tabs>
  );
}
