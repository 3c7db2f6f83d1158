/*
 * core/country.c — ISO 3166-1 alpha-2 codes with French and English names.
 *
 * The table is sorted by code (country_name searches it by halves); names are
 * matched folded (core/unit.h: no case, accents, spaces or punctuation), so
 * "Côte d'Ivoire", "COTE D IVOIRE" and "cote-d-ivoire" are one country. "EU"
 * is not an ISO country but the European Union, which labels may name as an
 * origin ("Origine : UE").
 */
#include "country.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *code, *fr, *en;
} country;

static const country countries[] = {
    {"AD", "Andorre", "Andorra"},
    {"AE", "Émirats arabes unis", "United Arab Emirates"},
    {"AF", "Afghanistan", "Afghanistan"},
    {"AG", "Antigua-et-Barbuda", "Antigua and Barbuda"},
    {"AI", "Anguilla", "Anguilla"},
    {"AL", "Albanie", "Albania"},
    {"AM", "Arménie", "Armenia"},
    {"AO", "Angola", "Angola"},
    {"AQ", "Antarctique", "Antarctica"},
    {"AR", "Argentine", "Argentina"},
    {"AS", "Samoa américaines", "American Samoa"},
    {"AT", "Autriche", "Austria"},
    {"AU", "Australie", "Australia"},
    {"AW", "Aruba", "Aruba"},
    {"AX", "Îles Åland", "Åland Islands"},
    {"AZ", "Azerbaïdjan", "Azerbaijan"},
    {"BA", "Bosnie-Herzégovine", "Bosnia and Herzegovina"},
    {"BB", "Barbade", "Barbados"},
    {"BD", "Bangladesh", "Bangladesh"},
    {"BE", "Belgique", "Belgium"},
    {"BF", "Burkina Faso", "Burkina Faso"},
    {"BG", "Bulgarie", "Bulgaria"},
    {"BH", "Bahreïn", "Bahrain"},
    {"BI", "Burundi", "Burundi"},
    {"BJ", "Bénin", "Benin"},
    {"BL", "Saint-Barthélemy", "Saint Barthélemy"},
    {"BM", "Bermudes", "Bermuda"},
    {"BN", "Brunei", "Brunei"},
    {"BO", "Bolivie", "Bolivia"},
    {"BQ", "Pays-Bas caribéens", "Caribbean Netherlands"},
    {"BR", "Brésil", "Brazil"},
    {"BS", "Bahamas", "Bahamas"},
    {"BT", "Bhoutan", "Bhutan"},
    {"BV", "Île Bouvet", "Bouvet Island"},
    {"BW", "Botswana", "Botswana"},
    {"BY", "Biélorussie", "Belarus"},
    {"BZ", "Belize", "Belize"},
    {"CA", "Canada", "Canada"},
    {"CC", "Îles Cocos", "Cocos Islands"},
    {"CD", "République démocratique du Congo", "Democratic Republic of the Congo"},
    {"CF", "République centrafricaine", "Central African Republic"},
    {"CG", "Congo", "Congo"},
    {"CH", "Suisse", "Switzerland"},
    {"CI", "Côte d’Ivoire", "Côte d’Ivoire"},
    {"CK", "Îles Cook", "Cook Islands"},
    {"CL", "Chili", "Chile"},
    {"CM", "Cameroun", "Cameroon"},
    {"CN", "Chine", "China"},
    {"CO", "Colombie", "Colombia"},
    {"CR", "Costa Rica", "Costa Rica"},
    {"CU", "Cuba", "Cuba"},
    {"CV", "Cap-Vert", "Cabo Verde"},
    {"CW", "Curaçao", "Curaçao"},
    {"CX", "Île Christmas", "Christmas Island"},
    {"CY", "Chypre", "Cyprus"},
    {"CZ", "Tchéquie", "Czechia"},
    {"DE", "Allemagne", "Germany"},
    {"DJ", "Djibouti", "Djibouti"},
    {"DK", "Danemark", "Denmark"},
    {"DM", "Dominique", "Dominica"},
    {"DO", "République dominicaine", "Dominican Republic"},
    {"DZ", "Algérie", "Algeria"},
    {"EC", "Équateur", "Ecuador"},
    {"EE", "Estonie", "Estonia"},
    {"EG", "Égypte", "Egypt"},
    {"EH", "Sahara occidental", "Western Sahara"},
    {"ER", "Érythrée", "Eritrea"},
    {"ES", "Espagne", "Spain"},
    {"ET", "Éthiopie", "Ethiopia"},
    {"EU", "Union européenne", "European Union"},
    {"FI", "Finlande", "Finland"},
    {"FJ", "Fidji", "Fiji"},
    {"FK", "Îles Malouines", "Falkland Islands"},
    {"FM", "Micronésie", "Micronesia"},
    {"FO", "Îles Féroé", "Faroe Islands"},
    {"FR", "France", "France"},
    {"GA", "Gabon", "Gabon"},
    {"GB", "Royaume-Uni", "United Kingdom"},
    {"GD", "Grenade", "Grenada"},
    {"GE", "Géorgie", "Georgia"},
    {"GF", "Guyane", "French Guiana"},
    {"GG", "Guernesey", "Guernsey"},
    {"GH", "Ghana", "Ghana"},
    {"GI", "Gibraltar", "Gibraltar"},
    {"GL", "Groenland", "Greenland"},
    {"GM", "Gambie", "Gambia"},
    {"GN", "Guinée", "Guinea"},
    {"GP", "Guadeloupe", "Guadeloupe"},
    {"GQ", "Guinée équatoriale", "Equatorial Guinea"},
    {"GR", "Grèce", "Greece"},
    {"GS", "Géorgie du Sud-et-les îles Sandwich du Sud",
     "South Georgia and the South Sandwich Islands"},
    {"GT", "Guatemala", "Guatemala"},
    {"GU", "Guam", "Guam"},
    {"GW", "Guinée-Bissau", "Guinea-Bissau"},
    {"GY", "Guyana", "Guyana"},
    {"HK", "Hong Kong", "Hong Kong"},
    {"HM", "Îles Heard-et-MacDonald", "Heard Island and McDonald Islands"},
    {"HN", "Honduras", "Honduras"},
    {"HR", "Croatie", "Croatia"},
    {"HT", "Haïti", "Haiti"},
    {"HU", "Hongrie", "Hungary"},
    {"ID", "Indonésie", "Indonesia"},
    {"IE", "Irlande", "Ireland"},
    {"IL", "Israël", "Israel"},
    {"IM", "Île de Man", "Isle of Man"},
    {"IN", "Inde", "India"},
    {"IO", "Territoire britannique de l’océan Indien", "British Indian Ocean Territory"},
    {"IQ", "Irak", "Iraq"},
    {"IR", "Iran", "Iran"},
    {"IS", "Islande", "Iceland"},
    {"IT", "Italie", "Italy"},
    {"JE", "Jersey", "Jersey"},
    {"JM", "Jamaïque", "Jamaica"},
    {"JO", "Jordanie", "Jordan"},
    {"JP", "Japon", "Japan"},
    {"KE", "Kenya", "Kenya"},
    {"KG", "Kirghizistan", "Kyrgyzstan"},
    {"KH", "Cambodge", "Cambodia"},
    {"KI", "Kiribati", "Kiribati"},
    {"KM", "Comores", "Comoros"},
    {"KN", "Saint-Christophe-et-Niévès", "Saint Kitts and Nevis"},
    {"KP", "Corée du Nord", "North Korea"},
    {"KR", "Corée du Sud", "South Korea"},
    {"KW", "Koweït", "Kuwait"},
    {"KY", "Îles Caïmans", "Cayman Islands"},
    {"KZ", "Kazakhstan", "Kazakhstan"},
    {"LA", "Laos", "Laos"},
    {"LB", "Liban", "Lebanon"},
    {"LC", "Sainte-Lucie", "Saint Lucia"},
    {"LI", "Liechtenstein", "Liechtenstein"},
    {"LK", "Sri Lanka", "Sri Lanka"},
    {"LR", "Libéria", "Liberia"},
    {"LS", "Lesotho", "Lesotho"},
    {"LT", "Lituanie", "Lithuania"},
    {"LU", "Luxembourg", "Luxembourg"},
    {"LV", "Lettonie", "Latvia"},
    {"LY", "Libye", "Libya"},
    {"MA", "Maroc", "Morocco"},
    {"MC", "Monaco", "Monaco"},
    {"MD", "Moldavie", "Moldova"},
    {"ME", "Monténégro", "Montenegro"},
    {"MF", "Saint-Martin", "Saint Martin"},
    {"MG", "Madagascar", "Madagascar"},
    {"MH", "Îles Marshall", "Marshall Islands"},
    {"MK", "Macédoine du Nord", "North Macedonia"},
    {"ML", "Mali", "Mali"},
    {"MM", "Birmanie", "Myanmar"},
    {"MN", "Mongolie", "Mongolia"},
    {"MO", "Macao", "Macao"},
    {"MP", "Îles Mariannes du Nord", "Northern Mariana Islands"},
    {"MQ", "Martinique", "Martinique"},
    {"MR", "Mauritanie", "Mauritania"},
    {"MS", "Montserrat", "Montserrat"},
    {"MT", "Malte", "Malta"},
    {"MU", "Maurice", "Mauritius"},
    {"MV", "Maldives", "Maldives"},
    {"MW", "Malawi", "Malawi"},
    {"MX", "Mexique", "Mexico"},
    {"MY", "Malaisie", "Malaysia"},
    {"MZ", "Mozambique", "Mozambique"},
    {"NA", "Namibie", "Namibia"},
    {"NC", "Nouvelle-Calédonie", "New Caledonia"},
    {"NE", "Niger", "Niger"},
    {"NF", "Île Norfolk", "Norfolk Island"},
    {"NG", "Nigeria", "Nigeria"},
    {"NI", "Nicaragua", "Nicaragua"},
    {"NL", "Pays-Bas", "Netherlands"},
    {"NO", "Norvège", "Norway"},
    {"NP", "Népal", "Nepal"},
    {"NR", "Nauru", "Nauru"},
    {"NU", "Niue", "Niue"},
    {"NZ", "Nouvelle-Zélande", "New Zealand"},
    {"OM", "Oman", "Oman"},
    {"PA", "Panama", "Panama"},
    {"PE", "Pérou", "Peru"},
    {"PF", "Polynésie française", "French Polynesia"},
    {"PG", "Papouasie-Nouvelle-Guinée", "Papua New Guinea"},
    {"PH", "Philippines", "Philippines"},
    {"PK", "Pakistan", "Pakistan"},
    {"PL", "Pologne", "Poland"},
    {"PM", "Saint-Pierre-et-Miquelon", "Saint Pierre and Miquelon"},
    {"PN", "Îles Pitcairn", "Pitcairn Islands"},
    {"PR", "Porto Rico", "Puerto Rico"},
    {"PS", "Palestine", "Palestine"},
    {"PT", "Portugal", "Portugal"},
    {"PW", "Palaos", "Palau"},
    {"PY", "Paraguay", "Paraguay"},
    {"QA", "Qatar", "Qatar"},
    {"RE", "La Réunion", "Réunion"},
    {"RO", "Roumanie", "Romania"},
    {"RS", "Serbie", "Serbia"},
    {"RU", "Russie", "Russia"},
    {"RW", "Rwanda", "Rwanda"},
    {"SA", "Arabie saoudite", "Saudi Arabia"},
    {"SB", "Îles Salomon", "Solomon Islands"},
    {"SC", "Seychelles", "Seychelles"},
    {"SD", "Soudan", "Sudan"},
    {"SE", "Suède", "Sweden"},
    {"SG", "Singapour", "Singapore"},
    {"SH", "Sainte-Hélène", "Saint Helena"},
    {"SI", "Slovénie", "Slovenia"},
    {"SJ", "Svalbard et Jan Mayen", "Svalbard and Jan Mayen"},
    {"SK", "Slovaquie", "Slovakia"},
    {"SL", "Sierra Leone", "Sierra Leone"},
    {"SM", "Saint-Marin", "San Marino"},
    {"SN", "Sénégal", "Senegal"},
    {"SO", "Somalie", "Somalia"},
    {"SR", "Suriname", "Suriname"},
    {"SS", "Soudan du Sud", "South Sudan"},
    {"ST", "Sao Tomé-et-Principe", "Sao Tome and Principe"},
    {"SV", "Salvador", "El Salvador"},
    {"SX", "Saint-Martin (partie néerlandaise)", "Sint Maarten"},
    {"SY", "Syrie", "Syria"},
    {"SZ", "Eswatini", "Eswatini"},
    {"TC", "Îles Turques-et-Caïques", "Turks and Caicos Islands"},
    {"TD", "Tchad", "Chad"},
    {"TF", "Terres australes et antarctiques françaises", "French Southern Territories"},
    {"TG", "Togo", "Togo"},
    {"TH", "Thaïlande", "Thailand"},
    {"TJ", "Tadjikistan", "Tajikistan"},
    {"TK", "Tokelau", "Tokelau"},
    {"TL", "Timor oriental", "Timor-Leste"},
    {"TM", "Turkménistan", "Turkmenistan"},
    {"TN", "Tunisie", "Tunisia"},
    {"TO", "Tonga", "Tonga"},
    {"TR", "Turquie", "Türkiye"},
    {"TT", "Trinité-et-Tobago", "Trinidad and Tobago"},
    {"TV", "Tuvalu", "Tuvalu"},
    {"TW", "Taïwan", "Taiwan"},
    {"TZ", "Tanzanie", "Tanzania"},
    {"UA", "Ukraine", "Ukraine"},
    {"UG", "Ouganda", "Uganda"},
    {"UM", "Îles mineures éloignées des États-Unis", "United States Minor Outlying Islands"},
    {"US", "États-Unis", "United States"},
    {"UY", "Uruguay", "Uruguay"},
    {"UZ", "Ouzbékistan", "Uzbekistan"},
    {"VA", "Vatican", "Vatican City"},
    {"VC", "Saint-Vincent-et-les-Grenadines", "Saint Vincent and the Grenadines"},
    {"VE", "Venezuela", "Venezuela"},
    {"VG", "Îles Vierges britanniques", "British Virgin Islands"},
    {"VI", "Îles Vierges des États-Unis", "United States Virgin Islands"},
    {"VN", "Viêt Nam", "Vietnam"},
    {"VU", "Vanuatu", "Vanuatu"},
    {"WF", "Wallis-et-Futuna", "Wallis and Futuna"},
    {"WS", "Samoa", "Samoa"},
    {"YE", "Yémen", "Yemen"},
    {"YT", "Mayotte", "Mayotte"},
    {"ZA", "Afrique du Sud", "South Africa"},
    {"ZM", "Zambie", "Zambia"},
    {"ZW", "Zimbabwe", "Zimbabwe"},
};

/* Other names producers write. */
static const struct {
    const char *folded, *code;
} aliases[] = {
    {"ue", "EU"},
    {"unioneuropeenne", "EU"},
    {"europe", "EU"},
    {"uk", "GB"},
    {"angleterre", "GB"},
    {"grandebretagne", "GB"},
    {"england", "GB"},
    {"usa", "US"},
    {"etatsunisdamerique", "US"},
    {"hollande", "NL"},
    {"holland", "NL"},
    {"turkey", "TR"},
    {"republiquetcheque", "CZ"},
    {"czechrepublic", "CZ"},
    {"corse", "FR"},
};

static int by_code(const void *key, const void *elem)
{
    return strcmp(key, ((const country *)elem)->code);
}

const char *country_name(const char *code, bool fr)
{
    if (!code || strlen(code) != 2)
        return NULL;
    const country *c =
        bsearch(code, countries, sizeof countries / sizeof *countries, sizeof *countries, by_code);
    return c ? (fr ? c->fr : c->en) : NULL;
}

bool country_find(const char *text, char out[3])
{
    if (!text)
        return false;
    char key[96];
    unit_fold(text, key, sizeof key);
    if (!key[0])
        return false;
    if (strlen(key) == 2) {
        char code[3] = {(char)(key[0] - 'a' + 'A'), (char)(key[1] - 'a' + 'A'), 0};
        if (key[0] >= 'a' && key[0] <= 'z' && key[1] >= 'a' && key[1] <= 'z' &&
            country_name(code, true)) {
            memcpy(out, code, 3);
            return true;
        }
    }
    for (size_t i = 0; i < sizeof countries / sizeof *countries; i++) {
        char f[96], e[96];
        unit_fold(countries[i].fr, f, sizeof f);
        unit_fold(countries[i].en, e, sizeof e);
        if (!strcmp(key, f) || !strcmp(key, e)) {
            memcpy(out, countries[i].code, 3);
            return true;
        }
    }
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (!strcmp(key, aliases[i].folded)) {
            memcpy(out, aliases[i].code, 3);
            return true;
        }
    return false;
}
