package salesforce

import "testing"

func TestTo18(t *testing.T) {
	cases := map[string]struct {
		in, want string
		wantErr  bool
	}{
		"account":        {in: "001D000000IqhSL", want: "001D000000IqhSLIAZ"},
		"lower checksum": {in: "00190000001pPvH", want: "00190000001pPvHAAU"},
		"contact":        {in: "003RO0000035WQg", want: "003RO0000035WQgYAM"},
		"already 18":     {in: "00Q5g000001AbcdEAC", want: "00Q5g000001AbcdEAC"},
		"bad checksum":   {in: "001RM000003oLrB000", wantErr: true},
		"too short":      {in: "001D000000Iqh", wantErr: true},
		"punctuation":    {in: "001D000000Iqh/L", wantErr: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := To18(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("To18(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestValidID(t *testing.T) {
	cases := map[string]bool{
		"001D000000IqhSL":     true,
		"001D000000IqhSLIAZ":  true,
		"00Q000000000001AAA":  true, // shape only: checksum is Salesforce's to judge
		"":                    false,
		"001D000000IqhSLI":    false,
		"001D000000IqhSLIAZ1": false,
		"001D000000Iqh/L":     false,
		"../../../services/x": false,
		"001D000000IqhS%20":   false,
		"001D000000IqhSLIA ":  false,
	}
	for id, want := range cases {
		if got := ValidID(id); got != want {
			t.Errorf("ValidID(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestKeyPrefix(t *testing.T) {
	cases := map[string]string{"00Q5g000001AbcdEAC": "00Q", "003RO0000035WQg": "003", "00": ""}
	for id, want := range cases {
		if got := KeyPrefix(id); got != want {
			t.Errorf("KeyPrefix(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestValidAPIName(t *testing.T) {
	cases := map[string]bool{
		"Lead": true, "My_Object__c": true, "ns__Field__c": true,
		"": false, "1Lead": false, "Lead/x": false, "Lead?": false, "Le ad": false, "_Lead": false,
	}
	for name, want := range cases {
		if got := ValidAPIName(name); got != want {
			t.Errorf("ValidAPIName(%q) = %v, want %v", name, got, want)
		}
	}
}
